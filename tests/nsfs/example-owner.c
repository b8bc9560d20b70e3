/* Print the owning user of my network namespace. */
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <nsrel.h>

int main(void)
{
	uid_t uid;
	int userns = nsrel_get_userns_path("/proc/self/ns/net");

	if (userns < 0) {
		fprintf(stderr, "nsrel_get_userns_path: %s\n",
			strerror(-userns));
		return 1;
	}
	int r = nsrel_get_owner_uid(userns, &uid);
	close(userns);
	if (r < 0) {
		fprintf(stderr, "nsrel_get_owner_uid: %s\n", strerror(-r));
		return 1;
	}
	struct passwd *pw = getpwuid(uid);
	if (pw)
		printf("owning user: %s\n", pw->pw_name);
	else
		printf("owning user: %u\n", (unsigned)uid);
	return 0;
}
