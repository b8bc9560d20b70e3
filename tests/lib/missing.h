/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Kernel interfaces newer than some C libraries' headers, spelled out once
 * for every test: the system call numbers (x86_64 and every architecture
 * of the unified table since 5.x) and the ioctl.
 */
#ifndef NSREL_TEST_MISSING_H
#define NSREL_TEST_MISSING_H

#include <sys/syscall.h>

#ifndef SIOCGSKNS
#define SIOCGSKNS 0x894C /* the net namespace of a socket (4.9) */
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434 /* 5.3 */
#endif
#ifndef SYS_openat2
#define SYS_openat2 437 /* 5.6 */
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438 /* 5.6 */
#endif
#ifndef SYS_statmount
#define SYS_statmount 457 /* 6.8 */
#endif
#ifndef SYS_listmount
#define SYS_listmount 458 /* 6.8 */
#endif
#ifndef SYS_listns
#define SYS_listns 470 /* 6.18 */
#endif

#endif /* NSREL_TEST_MISSING_H */
