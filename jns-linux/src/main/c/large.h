/* LAUNCHER_LARGE: the section of the launcher's large static arrays (4 KiB and more, the spec
 * among them), after .bss. Kept apart, they leave the small globals together in a few pages instead
 * of one page each between the arrays: every page a process first touches costs a page fault
 * (12-20 us on this project's PVM guest), and each S and C touch the small globals of most files. */
#ifndef JNS_LARGE_H
#define JNS_LARGE_H

#define LAUNCHER_LARGE __attribute__((section(".lbss")))

#endif
