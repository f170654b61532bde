#!/bin/sh
# egd -n and eg-supd -n: every EtherGuard-Go config loads unchanged and is
# printed back in the same schema; the printout loads to the same thing;
# a broken file gets every error with its line and exit status 1.
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
	$bin -n -f "$f" >$T/out1 2>$T/err1
	ok $? "$(basename $bin) -n $name"
	ok $(! grep -q 'unknown key' $T/err1; echo $?) "$name: no unknown key"
	chmod 600 $T/out1
	$bin -n -f $T/out1 >$T/out2 2>/dev/null
	ok $(cmp -s $T/out1 $T/out2; echo $?) "$name: printout loads and prints the same"
	n=$((n + 1))
done
ok $([ $n -ge 25 ]; echo $?) "found the test configs ($n)"

# The printout keeps the original's keys and values.
f=$DATA/example_config/static_mode/EgNet_edge1.yaml
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

tap_done
