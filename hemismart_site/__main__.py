"""`python -m hemismart_site` runs the command line."""

from hemismart_site.cli import main

raise SystemExit(main())
