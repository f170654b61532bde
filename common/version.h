/*
 * The suite's version: what -V prints and what an edge's Register says
 * (EG_SWVER, common/overlay/ovlmsg.h).
 */
#ifndef EG_VERSION_H
#define EG_VERSION_H

#define EG_VERSION	"0.1"
/* The protocol: the supernode refuses an edge that speaks another. */
#define EG_PROTO_NAME	"eg/1"

#endif /* EG_VERSION_H */
