#!/bin/sh
# egctl genkey, pubkey and genpsk against wireguard-tools' wg(8) on the
# same keys, and -V / -h of every program.
. "$(dirname "$0")/../lib/tap.sh"

EGCTL=$BUILD/egctl
command -v wg >/dev/null 2>&1 || skip_all "no wg (make deps installs wireguard-tools)"

k=$($EGCTL genkey)
ok $(echo "$k" | grep -Eq '^[A-Za-z0-9+/]{43}=$'; echo $?) \
    "genkey: base64 of 32 bytes ($k)"
ok $([ "$(echo "$k" | $EGCTL pubkey)" = "$(echo "$k" | wg pubkey)" ]
    echo $?) "pubkey of genkey's key is wg pubkey's"
known=YAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=
ok $([ "$(echo "$known" | $EGCTL pubkey)" = "$(echo "$known" | wg pubkey)" ]
    echo $?) "pubkey of a known key: $(echo "$known" | $EGCTL pubkey)"
w=$(wg genkey)
ok $([ "$(echo "$w" | $EGCTL pubkey)" = "$(echo "$w" | wg pubkey)" ]
    echo $?) "pubkey of wg genkey's key is wg pubkey's"
# Clamped as wg clamps: the low 3 bits of the first byte clear, the top
# bit of the last clear and the next one set.
b=$(echo "$k" | base64 -d | od -An -v -tu1)
first=$(echo $b | awk '{ print $1 }')
last=$(echo $b | awk '{ print $32 }')
ok $([ $((first & 7)) -eq 0 ] && [ $((last & 128)) -eq 0 ] &&
    [ $((last & 64)) -eq 64 ]; echo $?) "genkey's key is clamped ($first ... $last)"
n=$(for i in 1 2 3 4 5 6 7 8; do $EGCTL genkey; done | sort -u | wc -l)
ok $([ "$n" -eq 8 ]; echo $?) "8 genkeys, 8 different keys"
p=$($EGCTL genpsk)
ok $(echo "$p" | grep -Eq '^[A-Za-z0-9+/]{43}=$' &&
    [ "$p" != "$($EGCTL genpsk)" ]; echo $?) "genpsk: base64 of 32 bytes, fresh each time"
for bad in "" "not a key" "$(echo "$k" | cut -c1-40)" "${k}AA"; do
	echo "$bad" | $EGCTL pubkey >/dev/null 2>&1
	ok $([ $? -ne 0 ]; echo $?) "pubkey refuses \"$bad\""
done
ok $([ "$(echo "  $k  " | $EGCTL pubkey)" = "$(echo "$k" | wg pubkey)" ]
    echo $?) "pubkey takes spaces around the key"

# -V: the version of common/version.h, which an edge's Register carries.
ver=$(sed -n 's/^#define EG_VERSION[[:space:]]*"\(.*\)"/\1/p' $TOP/common/version.h)
for prog in egd eg-supd egctl; do
	out=$($BUILD/$prog -V 2>&1)
	ok $([ $? -eq 0 ] && [ "$out" = "$prog $ver (eg/1)" ]; echo $?) \
	    "$prog -V: $out"
	out=$($BUILD/$prog -h 2>/dev/null)
	ok $([ $? -eq 0 ] && echo "$out" | grep -q "^usage: $prog "; echo $?) \
	    "$prog -h: usage on stdout, exit 0"
	$BUILD/$prog -Q >/dev/null 2>&1
	ok $([ $? -ne 0 ]; echo $?) "$prog -Q: a usage error"
done
tap_done
