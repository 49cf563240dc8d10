# Sourced by the scripts: installs Debian packages that are missing.

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

install_missing() {
  local missing=() package
  for package in "$@"; do
    case "$package" in
      postgresql) ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql) ;;
      wrk) command -v wrk >/dev/null 2>&1 || missing+=(wrk) ;;
      chromium) command -v chromium >/dev/null 2>&1 || missing+=(chromium) ;;
      chromium-driver) command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver) ;;
      *) dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package") ;;
    esac
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "installing ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

# The Debian packages the Swift build links against.
# The Debian packages the Swift build links against, and the CJK font PDFs are set in.
build_packages() { echo libsqlite3-dev libxlsxwriter-dev libpango1.0-dev libcairo2-dev fonts-wqy-microhei; }
