#!/bin/sh
# Start JupyterLab in the workshop folder (after install.sh has run once).
cd "$(dirname "$0")"
exec .venv/bin/mkt lab workshop
