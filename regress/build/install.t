#!/bin/sh
# make install into a staging directory honours PREFIX and DESTDIR.
. "$(dirname "$0")/../lib/tap.sh"

T=$(mktemp -d /tmp/eg-install.XXXXXX)
on_exit "rm -rf $T"
make -C "$TOP" -s install DESTDIR=$T PREFIX=/opt/eg >$T/log 2>&1
ok $? "make install DESTDIR=... PREFIX=/opt/eg"
for p in egd eg-supd egctl; do
	ok $([ -x $T/opt/eg/sbin/$p ]; echo $?) "sbin/$p installed"
done
for m in man8/egd.8 man8/eg-supd.8 man8/egctl.8 man5/eg.conf.5 man5/eg-supd.conf.5; do
	ok $([ -f $T/opt/eg/share/man/$m ]; echo $?) "share/man/$m installed"
done
ok $(grep -q "create the users" $T/log; echo $?) "with DESTDIR, users are left to the target"
tap_done
