#!/bin/sh
# Install the Debian packages that building and testing need, only those
# missing, so that a machine that has them all does not touch the network.
set -e

PKGS="gcc make pkg-config perl procps iproute2 \
	libevent-dev libsodium-dev libb2-dev libyaml-dev libjansson-dev \
	libbsd-dev libseccomp-dev mandoc \
	nftables iputils-ping curl iperf3 jq \
	wireguard-go wireguard-tools tinc \
	clang libclang-rt-14-dev"

missing=
for p in $PKGS; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$st" in
	*"install ok installed"*) ;;
	*) missing="$missing $p" ;;
	esac
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "deps: missing packages:$missing (run as root to install)" >&2
	exit 1
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq || apt-get update
apt-get install -y -qq --no-install-recommends $missing
