#!/bin/sh
# egd -n and eg-supd -n: every EtherGuard-Go config loads unchanged (the
# example configs, what its generator wrote, and what it wrote from a
# template without AfPrefer, whose files say AfPrefer: 0) and is printed
# back in the same schema; the printout loads to the same thing; a
# broken file gets every error with its line and exit status 1.  Each
# is checked as a 0600 copy, since git keeps them 0644 and the daemons
# (and so -n) refuse a file holding keys that others can read.
. "$(dirname "$0")/../lib/tap.sh"

EGD=$BUILD/egd
SUPD=$BUILD/eg-supd
DATA=${EG_TESTDATA:-$TOP/regress/testdata/etherguard-go}
T=$(mktemp -d /tmp/eg-config.XXXXXX)
on_exit "rm -rf $T"

n=0
for f in $(find "$DATA" -name '*.yaml' ! -name 'gen*' | sort); do
	case $f in
	*super.yaml) bin=$SUPD ;;
	*) bin=$EGD ;;
	esac
	name=${f#$DATA/}
	cp "$f" $T/in.yaml
	chmod 600 $T/in.yaml
	$bin -n -f $T/in.yaml >$T/out1 2>$T/err1
	ok $? "$(basename $bin) -n $name"
	[ -s $T/err1 ] && diag "$(cat $T/err1)"
	ok $(! grep -q 'unknown key' $T/err1; echo $?) "$name: no unknown key"
	chmod 600 $T/out1
	$bin -n -f $T/out1 >$T/out2 2>/dev/null
	ok $(cmp -s $T/out1 $T/out2; echo $?) "$name: printout loads and prints the same"
	n=$((n + 1))
done
# 16 examples, 19 generated, 12 generated from a template (AfPrefer: 0)
ok $([ $n -ge 45 ]; echo $?) "found the test configs ($n)"
ok $([ $(grep -l '^AfPrefer: 0$' $(find "$DATA" -name '*.yaml') | wc -l) \
    -eq 12 ]; echo $?) "among them the 12 with AfPrefer: 0"

# As git keeps them, 0644: refused by -n as by the daemon.
$EGD -n -f $DATA/example_config/static_mode/EgNet_edge1.yaml >/dev/null \
    2>$T/err1
ok $([ $? = 1 ] && grep -q "readable by group or others: chmod 600 it" \
    $T/err1; echo $?) "a 0644 file with keys: egd -n refuses it ($(cat $T/err1))"

# The printout keeps the original's keys and values.
f=$T/in.yaml
cp $DATA/example_config/static_mode/EgNet_edge1.yaml $f
chmod 600 $f
$EGD -n -f $f >$T/edge1 2>/dev/null
ok $(grep -q '^NodeID: 1$' $T/edge1 && grep -q '^  IType: stdio$' $T/edge1 &&
    grep -q '^PrivKey: u1U5zImQ0lByFcJXTysUq9ZSTg3ZLIKMDYn/RAXEtKI=$' $T/edge1 &&
    grep -q '^  L2HeaderMode: kbdbg$' $T/edge1 &&
    grep -q '^    6: 4$' $T/edge1; echo $?) "values survive the round trip"

# Errors: every one, with file and line, exit 1.
cat >$T/bad.yaml <<'E'
Interface:
  IType: tap
  MTU: 10
NodeID: 70000
DefaultTTL: 0
PrivKey: notbase64
Peers:
- NodeID: 2
  PubKey: 8RSl6sMj1jjkHt/OO+hOKpaxvo1ISaqc6eMXx7jheRY=
  EndPoint: "nohostport"
- NodeID: 2
  PubKey: mWUbdaAllwwOB9GZyj9KYGWX8MPkohJhMJQedz9IUCE=
Bogus: 1
E
$EGD -n -f $T/bad.yaml >$T/out 2>$T/err
ok $([ $? -eq 1 ] && [ ! -s $T/out ]; echo $?) "broken config: exit 1, nothing printed"
diag "$(cat $T/err)"
for want in "bad.yaml:3:.*MTU" "bad.yaml:4:.*NodeID" "bad.yaml:5:.*DefaultTTL" \
    "bad.yaml:6:.*PrivKey" "bad.yaml:10:.*EndPoint" "bad.yaml:11:.*NodeID" \
    "bad.yaml:13:.*warning.*Bogus"; do
	ok $(grep -q "$want" $T/err; echo $?) "diagnostic $want"
done
$SUPD -n -f $T/bad.yaml >/dev/null 2>&1
ok $([ $? -eq 1 ]; echo $?) "eg-supd refuses an edge config"

# -n refuses what the daemon would refuse at start though it parses:
# refuses BIN FILE WHY DESC.
refuses() {
	chmod 600 "$2"
	"$1" -n -f "$2" >$T/out 2>$T/err
	ok $([ $? = 1 ] && [ ! -s $T/out ] && grep -qF -- "$3" $T/err
	    echo $?) "$4: -n exits 1 ($(head -n 1 $T/err))"
}
E1=$DATA/example_config/super_mode/EgNet_edge001.yaml
S1=$DATA/example_config/super_mode/EgNet_super.yaml
sed 's|IType: stdio|IType: vpp|' $E1 >$T/vpp.yaml
refuses $EGD $T/vpp.yaml "Interface.IType vpp is not supported" "vpp interface"
sed 's|http://|https://|' $E1 >$T/https.yaml
refuses $EGD $T/https.yaml "EndpointEdgeAPIUrl https://127.0.0.1:3456/eg_net/eg_api: only http:// is supported" \
    "https EdgeAPI URL"
cp $E1 $T/exposed.yaml
chmod 640 $T/exposed.yaml
$EGD -n -f $T/exposed.yaml >$T/out 2>$T/err
ok $([ $? = 1 ] && grep -q "readable by group or others" $T/err; echo $?) \
    "a private key readable by the group: -n exits 1 ($(cat $T/err))"
sed 's|^ListenPort_EdgeAPI:.*|ListenPort_EdgeAPI: 127.0.0.1:3456|' $S1 \
    >$T/apiport.yaml
refuses $SUPD $T/apiport.yaml "ListenPort_EdgeAPI 127.0.0.1:3456: not a port" \
    "eg-supd, a ListenPort_EdgeAPI host:port its listener cannot use"
cp $S1 $T/sexposed.yaml
chmod 604 $T/sexposed.yaml
$SUPD -n -f $T/sexposed.yaml >$T/out 2>$T/err
ok $([ $? = 1 ] && grep -q "readable by group or others" $T/err; echo $?) \
    "eg-supd: keys readable by others: -n exits 1"
# and the same edits undone load: the refusals are the edits'
cp $E1 $T/fine.yaml
chmod 600 $T/fine.yaml
$EGD -n -f $T/fine.yaml >/dev/null 2>&1
ok $? "the unedited super-mode edge loads"

tap_done
