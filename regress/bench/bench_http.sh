#!/bin/sh
# eg-supd's HTTP APIs under abuse, on loopback in a network namespace of
# its own: how many of 3000 wrong Manage API passwords from one address
# are checked, whether the right one then works from there and from
# another address, and how 256 slow connections from four addresses (a
# byte every 2 s) fare against two legitimate requests from others.
# BUILD=dir measures another build's eg-supd (say, a checkout of the
# code before), with this build's regress/net/httpabuse.
#
#	sh regress/bench/bench_http.sh
#	BUILD=/path/to/old/build sh regress/bench/bench_http.sh
here=$(cd "$(dirname "$0")" && pwd)
TOOL=$here/../../build/regress/net/httpabuse
BUILD=${BUILD:-$here/../../build}
SLOW_S=${SLOW_S:-15}
if [ "$(id -u)" != 0 ] || ! command -v unshare >/dev/null ||
    ! command -v curl >/dev/null || [ ! -x "$TOOL" ] ||
    [ ! -x "$BUILD/eg-supd" ]; then
	echo "skipped: needs root, unshare, curl, make"
	exit 0
fi
[ "$1" = inside ] || exec unshare -n sh "$0" inside
umask 077
D=$(mktemp -d) || exit 1
trap 'kill $SP 2>/dev/null; wait; rm -rf $D' EXIT
ip link set lo up
for k in sk4 sk6 k1; do wg genkey >$D/$k; done
wg pubkey <$D/k1 >$D/p1
cat >$D/super.conf <<EOC
NodeName: bench
PrivKeyV4: $(cat $D/sk4)
PrivKeyV6: $(cat $D/sk6)
ListenPort: 3456
API_Prefix: /eg/api
Passwords:
  ShowState: pw_state
Peers:
- NodeID: 1
  PubKey: $(cat $D/p1)
  AdditionalCost: 0
EOC
"$BUILD/eg-supd" -d -u nobody -f $D/super.conf -s $D/s.sock 2>$D/log &
SP=$!
API=http://127.0.0.1:3456/eg/api
st() {	# st FROM [curl args]: the status of super/state from FROM
	_f=$1
	shift
	curl -s -o /dev/null -w '%{http_code}' -m 60 --interface "$_f" "$@" \
	    "$API/manage/super/state"
}
n=50
while [ "$(st 127.0.0.1 -H 'X-EG-Password: pw_state')" != 200 ]; do
	n=$((n - 1))
	[ $n -gt 0 ] || { echo "eg-supd did not start"; exit 1; }
	sleep 0.1
done
echo "3000 wrong passwords from 127.0.0.2, one connection:"
echo "  $("$TOOL" guess -b 127.0.0.2 -n 3000 -t 60 127.0.0.1 3456 \
    /eg/api/manage/super/state)"
echo "  then the right one from 127.0.0.2: $(st 127.0.0.2 \
    -H 'X-EG-Password: pw_state'), from 127.0.0.3: $(st 127.0.0.3 \
    -H 'X-EG-Password: pw_state')"
for a in 4 5 6 7; do
	"$TOOL" slow -b 127.0.0.$a -n 64 -i 2 -t "$SLOW_S" 127.0.0.1 3456 \
	    >$D/slow$a &
done
sleep 3
echo "256 slow connections from 127.0.0.4-7 (a byte every 2 s, ${SLOW_S} s);" \
    "3 s in:"
curl -s -o /dev/null -w '  EdgeAPI request from 127.0.0.8: %{http_code} in %{time_total} s\n' \
    -m 60 --interface 127.0.0.8 "$API/edge/post/nodeinfo?NodeID=1" -d '{}' &
c1=$!
curl -s -o /dev/null -w '  Manage API request from 127.0.0.9: %{http_code} in %{time_total} s\n' \
    -m 60 --interface 127.0.0.9 -H 'X-EG-Password: pw_state' \
    "$API/manage/super/state" &
c2=$!
wait $c1 $c2
for a in 4 5 6 7; do
	while [ ! -s $D/slow$a ]; do sleep 1; done
	echo "  slow from 127.0.0.$a: $(cat $D/slow$a)"
done
