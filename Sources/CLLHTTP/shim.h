#ifndef SLIME_CLLHTTP_SHIM_H
#define SLIME_CLLHTTP_SHIM_H
// Installed by scripts/setup.sh: Debian 12 ships llhttp only as sources
// (node-llhttp), so set-up compiles them into /usr/local.
#include <llhttp.h>
#endif
