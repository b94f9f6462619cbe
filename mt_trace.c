// SPDX-License-Identifier: GPL-2.0
/*
 * malloc_test - its trace events, defined here once (mt_trace.h).  Each
 * file that emits one includes mt_trace.h; this file calls nothing.
 */
#define CREATE_TRACE_POINTS
#include "mt_trace.h"
