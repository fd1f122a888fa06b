#!/bin/sh
# Install the Marketing Engineering kit from this folder, without internet, then start the
# workshop. Steps: find Python, make .venv/, install from wheels/, unzip the lessons into
# workshop/ (never over an existing one), check the laptop, start JupyterLab.
# MKT_NO_LAB=1 stops after the check (for a trainer preparing laptops).
set -e
cd "$(dirname "$0")"
VERSIONS="@PYTHON_VERSIONS@"

python_ok() {
    found=$("$1" -c "import sys; print('%d.%d' % sys.version_info[:2])" 2>/dev/null) || return 1
    case " $VERSIONS " in *" $found "*) return 0 ;; esac
    return 1
}

PYTHON=""
for version in $VERSIONS; do
    for candidate in "python$version" python3 python; do
        if command -v "$candidate" >/dev/null 2>&1 && python_ok "$candidate"; then
            PYTHON="$candidate"
            break 2
        fi
    done
done
if [ -z "$PYTHON" ]; then
    echo "This bundle needs Python $VERSIONS. Install it (python.org), then run this again."
    echo "Dieses Paket braucht Python $VERSIONS. Installieren (python.org), dann erneut starten."
    exit 1
fi

echo "Python: $(command -v "$PYTHON")"
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip --isolated install --quiet --disable-pip-version-check --no-index \
    --find-links wheels mkt-engineering @LESSON_PACKAGES@
if [ ! -d workshop ]; then
    .venv/bin/python -m zipfile -e workshop-student.zip .
fi
.venv/bin/mkt doctor workshop
if [ "${MKT_NO_LAB:-}" != "1" ]; then
    exec .venv/bin/mkt lab workshop
fi
