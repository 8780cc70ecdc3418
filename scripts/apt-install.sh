# Sourced by the set-up scripts. apt_install PACKAGE...: installs the
# Debian packages among them that are not installed yet; fails if apt does.
apt_install() {
    local p missing=()
    for p in "$@"; do
        dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
    done
    [ ${#missing[@]} -gt 0 ] || return 0
    printf '\n==> apt-get install %s\n' "${missing[*]}"
    # Chained: callers may run this where `set -e` does not reach (after `||`).
    apt-get update -qq &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}
