#!/bin/sh
# egctl solve: the six-node matrix of static-mode.md gives the table
# printed there (and in EtherGuard-Go's example configs), egd accepts the
# output, genstatic.yaml's matrix with its non-zero diagonal gives the
# same table with warnings, and malformed matrices are refused with
# their line.
. "$(dirname "$0")/../lib/tap.sh"

EGCTL=$BUILD/egctl
EGD=$BUILD/egd
DATA=$TOP/regress/testdata/etherguard-go/example_config/static_mode
T=$(mktemp -d /tmp/eg-solve.XXXXXX)
on_exit "rm -rf $T"

$EGCTL solve $DATA/path.txt >$T/nh.yaml 2>$T/err
ok $? "egctl solve path.txt"
# The example config's table, from "NextHopTable:" to the next key.
sed -n '/^NextHopTable:/,/^[A-Z]/p' $DATA/EgNet_edge1.yaml | sed '$d' >$T/want
ok $(cmp -s $T/want $T/nh.yaml; echo $?) "six-node table equals static-mode.md's"
diff $T/want $T/nh.yaml | while read l; do diag "$l"; done

# egd takes the output as its NextHopTable.
sed '/^NextHopTable:/,/^[A-Z]/{/^NextHopTable:/d;/^ /d}' \
    $DATA/EgNet_edge1.yaml >$T/edge.conf
cat $T/nh.yaml >>$T/edge.conf
chmod 600 $T/edge.conf
$EGD -n -f $T/edge.conf >$T/printed 2>/dev/null
ok $? "egd -n accepts a config with the solved table"
ok $(grep -q '^    6: 4$' $T/printed; echo $?) "and keeps it"

$EGCTL -j solve $DATA/path.txt >$T/nh.json
ok $(perl -MJSON::PP -e 'local $/; my $j = decode_json(<STDIN>);
	exit !($j->{NhTable}{1}{6} == 2 && $j->{NhTable}{4}{6} == 6)' \
    <$T/nh.json; echo $?) "egctl -j solve prints JSON"

# genstatic.yaml's matrix has 1.0 on the diagonal of 5 and 6, which
# EtherGuard-Go ignores: the same table, with a warning for each.
sed -n '/^Distance matrix/,$p' $DATA/genstatic.yaml | sed '1d;/^[^ ]/,$d' \
    >$T/genstatic.txt
$EGCTL solve $T/genstatic.txt >$T/gs.yaml 2>$T/err
ok $? "egctl solve genstatic.yaml's matrix"
ok $(cmp -s $T/want $T/gs.yaml; echo $?) "the table of EgNet_edge1.yaml"
ok $([ $(grep -c 'diagonal cost of NodeID [56] (1) is ignored' $T/err) \
    -eq 2 ]; echo $?) "a warning for each diagonal entry: $(head -1 $T/err)"

printf 'X 1 2\n1 0 1\n2 1\n' >$T/short
$EGCTL solve $T/short >/dev/null 2>$T/err
ok $([ $? -eq 1 ] && grep -q 'line 3' $T/err; echo $?) \
    "missing column refused with its line: $(cat $T/err)"
printf '# costs\nX 1 2\n1 0 foo\n2 1 0\n' >$T/token
$EGCTL solve $T/token >/dev/null 2>$T/err
ok $([ $? -eq 1 ] && grep -q 'line 3' $T/err; echo $?) \
    "bad token refused with its line: $(cat $T/err)"
printf '1 0 1\n' >$T/nohdr
$EGCTL solve $T/nohdr >/dev/null 2>$T/err
ok $([ $? -eq 1 ] && grep -q 'line 1' $T/err; echo $?) \
    "missing header refused: $(cat $T/err)"
$EGCTL solve $T/none >/dev/null 2>$T/err
ok $([ $? -eq 1 ]; echo $?) "missing file: $(cat $T/err)"
tap_done
