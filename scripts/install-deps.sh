#!/bin/sh
# Installs the Debian 12 packages medsearch builds and tests with, only those missing.
# Uses sudo only when not running as root.
set -eu
packages="cmake make g++ pkg-config libxapian-dev xapian-tools libicu-dev libboost-dev
libboost-program-options-dev nlohmann-json3-dev catch2 libmd4c-dev libyaml-cpp-dev libgumbo-dev curl
wamerican wspanish"
missing=""
for p in $packages; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "install-deps: installing$missing" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing
