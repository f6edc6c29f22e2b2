from trialmatch.cli import main

raise SystemExit(main())
