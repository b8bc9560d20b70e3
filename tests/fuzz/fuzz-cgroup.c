/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nsrel__cgroup_match(): a /proc/PID/cgroup text in, a container out. It
 * reads only the len given; a match has an engine and an id; an OCI
 * engine's id is 64 lower-case hex digits found in the text; a name or pod
 * UID is NUL-terminated within its buffer; the same text gives the same
 * answer.
 */
#include "containers.h"
#include "fuzz.h"

static bool nul_within(const char *s, size_t size)
{
	return memchr(s, '\0', size) != NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_dup(data, size, 0);
	struct nsrel__cgroup_match m, again;
	int r = nsrel__cgroup_match(s, size, &m);
	FUZZ_CHECK(r == 0 || r == 1);
	FUZZ_CHECK(r == (m.engine != NSREL_ENGINE_NONE));
	FUZZ_CHECK(nul_within(m.id, sizeof(m.id)) &&
		   nul_within(m.name, sizeof(m.name)) &&
		   nul_within(m.pod_uid, sizeof(m.pod_uid)) &&
		   nul_within(m.group, sizeof(m.group)));
	if (r) {
		FUZZ_CHECK(m.id[0] != '\0');
		switch (m.engine) {
		case NSREL_ENGINE_DOCKER:
		case NSREL_ENGINE_PODMAN:
		case NSREL_ENGINE_CONTAINERD:
		case NSREL_ENGINE_CRIO:
		case NSREL_ENGINE_KUBERNETES:
		case NSREL_ENGINE_OCI:
			FUZZ_CHECK(nsrel__is_container_id(m.id, strlen(m.id)));
			FUZZ_CHECK(memmem(s, size, m.id, 64) != NULL);
			break;
		default:
			break;
		}
	}
	FUZZ_CHECK(nsrel__cgroup_match(s, size, &again) == r);
	FUZZ_CHECK(memcmp(&m, &again, sizeof(m)) == 0);
	FUZZ_CHECK(memcmp(s, data, size) == 0);
	free(s);
	return 0;
}
