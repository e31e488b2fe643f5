# Sourced by scripts/run and scripts/test: a virtualenv in .venv with congress installed in
# editable mode, (re)installed only when pyproject.toml or the wanted extras change.

PYTHON="${PYTHON:-python3}"

ensure_venv() {
    local extras="$1"  # "" or "[test]"
    if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
        echo "congress needs Python 3.11 or newer; set PYTHON=/path/to/python3.11" >&2
        exit 1
    fi
    if [ ! -x .venv/bin/python ]; then
        echo "==> creating .venv" >&2
        "$PYTHON" -m venv .venv
    fi
    local prefix stamp
    prefix=".venv/.congress-installed-$(sha256sum pyproject.toml | cut -c1-16)"
    stamp="${prefix}${extras}"
    # An install with the test extras also serves the plain run.
    if [ -e "$stamp" ] || { [ -z "$extras" ] && compgen -G "${prefix}*" >/dev/null; }; then
        return
    fi
    echo "==> installing congress${extras} into .venv" >&2
    .venv/bin/python -m pip install --quiet -e ".${extras}"
    rm -f .venv/.congress-installed-*
    touch "$stamp"
}
