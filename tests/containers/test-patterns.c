/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Step 1 of identifying containers: /proc/PID/cgroup texts as each engine
 * leaves them (cgroup v1, v2, hybrid), and texts that name no container.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "containers.h"

#define ID1  "0d59b562bf04dc290c744de2f3c4b0d926bfcd8a11dbefa9e5b0b7bc399fb859"
#define ID2  "4c2b39508ec44d2a0156a52e3ae79fb191643c6b3c4f6373202450f2e88656a9"
#define UID  "8f1a6a2c-8d7e-4d9b-a0a4-1f3e5b7c9d0e"
#define UID_ "8f1a6a2c_8d7e_4d9b_a0a4_1f3e5b7c9d0e"

static const struct {
	const char *text;
	enum nsrel_engine engine;
	const char *id, *name, *pod_uid, *group;
} cases[] = {
	/* podman, cgroupfs, hybrid (these machines) */
	{"9:name=systemd:/libpod_parent/libpod-" ID1 "\n"
	 "4:memory:/libpod_parent/libpod-" ID1 "\n"
	 "0::/libpod_parent/libpod-" ID1 "\n",
	 NSREL_ENGINE_PODMAN, ID1, "", "", ""},
	/* podman pod, cgroupfs */
	{"0::/libpod_parent/" ID2 "/libpod-" ID1 "\n", NSREL_ENGINE_PODMAN, ID1,
	 "", "", ID2},
	/* podman, systemd, v2 (payload in container/), and in a pod */
	{"0::/machine.slice/libpod-" ID1 ".scope/container\n",
	 NSREL_ENGINE_PODMAN, ID1, "", "", ""},
	{"0::/machine.slice/machine-libpod_pod_" ID2 ".slice/libpod-" ID1
	 ".scope\n",
	 NSREL_ENGINE_PODMAN, ID1, "", "", ID2},
	/* podman's conmon is no container */
	{"0::/machine.slice/libpod-conmon-" ID1 ".scope\n", NSREL_ENGINE_NONE,
	 NULL, NULL, NULL, NULL},
	{"1:cpu:/libpod_parent/conmon\n0::/\n", NSREL_ENGINE_NONE, NULL, NULL,
	 NULL, NULL},
	/* docker, systemd and cgroupfs drivers */
	{"0::/system.slice/docker-" ID1 ".scope\n", NSREL_ENGINE_DOCKER, ID1,
	 "", "", ""},
	{"12:pids:/docker/" ID1 "\n0::/docker/" ID1 "\n", NSREL_ENGINE_DOCKER,
	 ID1, "", "", ""},
	/* docker with systemd in the container: a sub-cgroup */
	{"0::/docker/" ID1 "/init.scope\n", NSREL_ENGINE_DOCKER, ID1, "", "",
	 ""},
	/* containerd's CRI plugin, systemd driver, in a pod */
	{"0::/kubepods.slice/kubepods-besteffort.slice/"
	 "kubepods-besteffort-pod" UID_ ".slice/cri-containerd-" ID1 ".scope\n",
	 NSREL_ENGINE_CONTAINERD, ID1, "", UID, ""},
	/* CRI-O, guaranteed QoS */
	{"0::/kubepods.slice/kubepods-pod" UID_ ".slice/crio-" ID1 ".scope\n",
	 NSREL_ENGINE_CRIO, ID1, "", UID, ""},
	/* the kubelet's cgroupfs layout */
	{"3:memory:/kubepods/burstable/pod" UID "/" ID1 "\n",
	 NSREL_ENGINE_KUBERNETES, ID1, "", UID, ""},
	/* a pod's slice alone is no container */
	{"0::/kubepods.slice/kubepods-besteffort.slice/"
	 "kubepods-besteffort-pod" UID_ ".slice\n",
	 NSREL_ENGINE_NONE, NULL, NULL, NULL, NULL},
	/* ctr run: /NAMESPACE/ID */
	{"0::/default/" ID1 "\n", NSREL_ENGINE_OCI, ID1, "", "", ""},
	/* an id in the middle of a path names nothing */
	{"0::/" ID1 "/conmon\n", NSREL_ENGINE_NONE, NULL, NULL, NULL, NULL},
	/* LXC */
	{"0::/lxc.payload.web1\n", NSREL_ENGINE_LXC, "web1", "web1", "", ""},
	/* systemd-machined, the name systemd-escaped */
	{"0::/machine.slice/machine-my\\x2dbox.scope/init.scope\n",
	 NSREL_ENGINE_MACHINED, "my-box", "my-box", "", ""},
	/* flatpak */
	{"0::/user.slice/user-1000.slice/user@1000.service/app.slice/"
	 "app-flatpak-org.gnome.Calculator-12345.scope\n",
	 NSREL_ENGINE_FLATPAK, "org.gnome.Calculator-12345",
	 "org.gnome.Calculator", "", ""},
	/* podman inside docker: the inner one */
	{"0::/docker/" ID2 "/libpod_parent/libpod-" ID1 "\n",
	 NSREL_ENGINE_PODMAN, ID1, "", "", ""},
	/* nothing */
	{"0::/user.slice/user-1000.slice/session-2.scope\n", NSREL_ENGINE_NONE,
	 NULL, NULL, NULL, NULL},
	{"0::/system.slice/docker.service\n", NSREL_ENGINE_NONE, NULL, NULL,
	 NULL, NULL},
	{"", NSREL_ENGINE_NONE, NULL, NULL, NULL, NULL},
	{"garbage without colons\n", NSREL_ENGINE_NONE, NULL, NULL, NULL, NULL},
	/* a cut id, an upper-case one */
	{"0::/docker/0d59b562bf04\n", NSREL_ENGINE_NONE, NULL, NULL, NULL,
	 NULL},
	{"0::/docker-0D59B562BF04DC290C744DE2F3C4B0D926BFCD8A11DBEFA9E5B0B7BC3"
	 "99FB859.scope\n",
	 NSREL_ENGINE_NONE, NULL, NULL, NULL, NULL},
};

static void test_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct nsrel__cgroup_match m;
		int r = nsrel__cgroup_match(cases[i].text,
					    strlen(cases[i].text), &m);
		print_message("# case %zu\n", i);
		assert_int_equal(r, cases[i].engine != NSREL_ENGINE_NONE);
		assert_int_equal(m.engine, cases[i].engine);
		if (!r)
			continue;
		assert_string_equal(m.id, cases[i].id);
		assert_string_equal(m.name, cases[i].name);
		assert_string_equal(m.pod_uid, cases[i].pod_uid);
		assert_string_equal(m.group, cases[i].group);
	}
}

/* Without a final newline, and cut anywhere: never out of bounds (the
 * sanitizer build checks), never an id that is not 64 digits. */
static void test_cut(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		size_t n = strlen(cases[i].text);
		for (size_t k = 0; k < n; k++) {
			char buf[1024];
			memcpy(buf, cases[i].text, k);
			struct nsrel__cgroup_match m;
			if (nsrel__cgroup_match(buf, k, &m) &&
			    m.engine != NSREL_ENGINE_LXC &&
			    m.engine != NSREL_ENGINE_MACHINED &&
			    m.engine != NSREL_ENGINE_FLATPAK)
				assert_int_equal(strlen(m.id), 64);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_cut),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
