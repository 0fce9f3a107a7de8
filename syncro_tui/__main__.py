from syncro_tui.cli import main

raise SystemExit(main())
