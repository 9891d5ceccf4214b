// SPDX-License-Identifier: GPL-2.0
/* snapshot.c - a snapshot owns what it points to, so that it can cross floors by itself */
#include <stdlib.h>
#include "snapshot.h"

void lt_snapshot_free(struct lt_snapshot *s)
{
	if (!s)
		return;
	free(s->pc);
	free(s->hs);
	free(s->irq_begin);
	free(s->irq_end);
	free(s->cbs);
	for (size_t i = 0; s->senders && i < s->nr_senders; i++)
		free(s->senders[i].stack);
	free(s->senders);
	free(s);
}
