/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * linuxns_rel: the API of the original Python package of that name, in C on
 * top of libnsrel, so code that does "import linuxns_rel" keeps working;
 * plus scan(), the discovery model as Python objects.
 *
 * Behaviour follows the original (a pure Python module using
 * fcntl.ioctl()) down to its exceptions: a path is opened as open() would
 * (so a missing one raises FileNotFoundError naming the path, a directory
 * IsADirectoryError), an fd is taken as fcntl.ioctl() takes it, and a
 * failed ioctl raises what PyErr_SetFromErrno() makes of the kernel's
 * errno. Unlike open(), a path that is no namespace is never opened for
 * reading (nsrel_open()): a FIFO or a device is ENOTTY at once.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "nsrel.h"

PyMODINIT_FUNC PyInit_linuxns_rel(void);

static PyObject *set_errno(int negerrno)
{
	errno = -negerrno;
	return PyErr_SetFromErrno(PyExc_OSError);
}

/* ---- Namespace references ---------------------------------------------- */

/* An fd for a namespace reference; owned when we opened it from a path. */
struct nsref {
	int fd;
	bool owned;
};

static int nsref_open_path(PyObject *obj, struct nsref *ref)
{
	PyObject *bytes = NULL;
	if (!PyUnicode_FSConverter(obj, &bytes))
		return -1;
	const char *path = PyBytes_AS_STRING(bytes);
	int fd;
	Py_BEGIN_ALLOW_THREADS
	fd = nsrel_open(path);
	struct stat st;
	/* The original's open() refused directories before any ioctl. */
	if (fd == -ENOTTY && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		fd = -EISDIR;
	Py_END_ALLOW_THREADS
	Py_DECREF(bytes);
	if (fd < 0) {
		errno = -fd;
		PyErr_SetFromErrnoWithFilenameObject(PyExc_OSError, obj);
		return -1;
	}
	ref->fd = fd;
	ref->owned = true;
	return 0;
}

/*
 * The original's order: a str is a path; anything with a fileno attribute
 * is called for its fd; an int is an fd; anything else is a TypeError.
 * The fd is then converted as fcntl.ioctl() converts it.
 */
static int nsref_get(PyObject *obj, struct nsref *ref)
{
	ref->fd = -1;
	ref->owned = false;
	if (PyUnicode_Check(obj))
		return nsref_open_path(obj, ref);

	PyObject *fileno = PyObject_GetAttrString(obj, "fileno");
	if (fileno) {
		PyObject *r = PyObject_CallNoArgs(fileno);
		Py_DECREF(fileno);
		if (!r)
			return -1;
		ref->fd = PyObject_AsFileDescriptor(r);
		Py_DECREF(r);
		return ref->fd < 0 ? -1 : 0;
	}
	if (!PyErr_ExceptionMatches(PyExc_AttributeError))
		return -1;
	PyErr_Clear();

	if (PyLong_Check(obj)) {
		ref->fd = PyObject_AsFileDescriptor(obj);
		return ref->fd < 0 ? -1 : 0;
	}
	PyErr_Format(PyExc_TypeError,
		     "namespace reference must be str, int or TextIO, not %R",
		     (PyObject *)Py_TYPE(obj));
	return -1;
}

static void nsref_put(struct nsref *ref)
{
	if (ref->owned && ref->fd >= 0)
		close(ref->fd);
	ref->fd = -1;
}

/*
 * Wrap a new namespace fd the way the original did, os.fdopen(fd, 'r'):
 * a text file, which is harmless since nobody reads an nsfs file.
 */
static PyObject *file_from_fd(int fd)
{
	struct stat before, after;
	bool known = fstat(fd, &before) == 0;
	PyObject *io = PyImport_ImportModule("io");
	PyObject *f =
		io ? PyObject_CallMethod(io, "open", "is", fd, "r") : NULL;
	Py_XDECREF(io);
	/*
	 * io.open() closes the fd if it fails once FileIO has it, but not if
	 * it fails before: close it only if it still is our namespace.
	 */
	if (!f && known && fstat(fd, &after) == 0 &&
	    after.st_dev == before.st_dev && after.st_ino == before.st_ino)
		close(fd);
	return f;
}

/*
 * The shape of every relations call: parse the one namespace reference
 * (keyword kw), get its fd, call fn on it without the GIL, release the
 * fd. fn's result (>= 0), or -1 with the exception set.
 */
typedef int (*ns_fn)(int nsfd, uid_t *ret_uid);

static int ns_call(PyObject *args, PyObject *kwargs, const char *format,
		   const char *kw, ns_fn fn, uid_t *ret_uid)
{
	char *kwlist[] = {(char *)kw, NULL};
	PyObject *obj;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, format, kwlist, &obj))
		return -1;
	struct nsref ref;
	if (nsref_get(obj, &ref) < 0)
		return -1;
	int r;
	Py_BEGIN_ALLOW_THREADS
	r = fn(ref.fd, ret_uid);
	Py_END_ALLOW_THREADS
	nsref_put(&ref);
	if (r < 0) {
		set_errno(r);
		return -1;
	}
	return r;
}

static int userns_of(int nsfd, uid_t *unused)
{
	return nsrel_get_userns(nsfd);
}

static int parentns_of(int nsfd, uid_t *unused)
{
	return nsrel_get_parentns(nsfd);
}

static int nstype_of(int nsfd, uid_t *unused)
{
	return nsrel_get_nstype(nsfd);
}

/* A relations call that gives a namespace: as an open file. */
static PyObject *ns_file_call(PyObject *args, PyObject *kwargs,
			      const char *format, ns_fn fn)
{
	int fd = ns_call(args, kwargs, format, "nsref", fn, NULL);
	return fd < 0 ? NULL : file_from_fd(fd);
}

PyDoc_STRVAR(get_userns_doc,
	     "get_userns($module, /, nsref)\n--\n\n"
	     "Returns the user namespace owning a namespace, as an open file\n"
	     "object. nsref is a path string, an open file, or an fd.\n"
	     "The owner of a user namespace is its parent.");

static PyObject *py_get_userns(PyObject *self, PyObject *args, PyObject *kwargs)
{
	return ns_file_call(args, kwargs, "O:get_userns", userns_of);
}

PyDoc_STRVAR(get_parentns_doc,
	     "get_parentns($module, /, nsref)\n--\n\n"
	     "Returns the parent namespace of a user or PID namespace, as an\n"
	     "open file object. PermissionError at the top of the hierarchy\n"
	     "(as far as we may see); OSError (EINVAL) for a flat namespace.");

static PyObject *py_get_parentns(PyObject *self, PyObject *args,
				 PyObject *kwargs)
{
	return ns_file_call(args, kwargs, "O:get_parentns", parentns_of);
}

PyDoc_STRVAR(get_nstype_doc,
	     "get_nstype($module, /, nsref)\n--\n\n"
	     "Returns the type of a namespace, one of the CLONE_NEW* "
	     "constants.\nnsref is a path string, an open file, or an fd.");

static PyObject *py_get_nstype(PyObject *self, PyObject *args, PyObject *kwargs)
{
	int type =
		ns_call(args, kwargs, "O:get_nstype", "nsref", nstype_of, NULL);
	return type < 0 ? NULL : PyLong_FromLong(type);
}

PyDoc_STRVAR(get_owner_uid_doc,
	     "get_owner_uid($module, /, usernsref)\n--\n\n"
	     "Returns the user ID of the process that created a user\n"
	     "namespace. usernsref is a path string, an open file, or an fd.");

static PyObject *py_get_owner_uid(PyObject *self, PyObject *args,
				  PyObject *kwargs)
{
	uid_t uid = 0;
	if (ns_call(args, kwargs, "O:get_owner_uid", "usernsref",
		    nsrel_get_owner_uid, &uid) < 0)
		return NULL;
	return PyLong_FromUnsignedLong(uid);
}

PyDoc_STRVAR(nstype_str_doc,
	     "nstype_str($module, /, nstype)\n--\n\n"
	     "Returns the name of a namespace type ('net' for CLONE_NEWNET);\n"
	     "ValueError for anything that is no namespace type.");

static PyObject *py_nstype_str(PyObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kwlist[] = {"nstype", NULL};
	PyObject *obj;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O:nstype_str", kwlist,
					 &obj))
		return NULL;
	PyObject *idx = PyNumber_Index(obj);
	if (!idx)
		return NULL;
	int overflow;
	long v = PyLong_AsLongAndOverflow(idx, &overflow);
	if (v == -1 && PyErr_Occurred()) {
		Py_DECREF(idx);
		return NULL;
	}
	const char *name = NULL;
	if (!overflow && v >= INT_MIN && v <= INT_MAX)
		name = nsrel_nstype_str((int)v);
	if (name) {
		Py_DECREF(idx);
		return PyUnicode_FromString(name);
	}
	PyObject *hex = PyNumber_ToBase(idx, 16);
	Py_DECREF(idx);
	if (!hex)
		return NULL;
	PyErr_Format(PyExc_ValueError, "invalid namespace type value %S/%S",
		     obj, hex);
	Py_DECREF(hex);
	return NULL;
}

/* ---- The discovery model ----------------------------------------------- */

/*
 * Namespaces, processes, refs and the model are one shape of object: a
 * row of read-only attribute slots. They refer to each other in cycles
 * (a namespace lists its processes, a process its namespaces), so they
 * take part in garbage collection.
 */
struct obj {
	PyObject_HEAD PyObject *slot[];
};

#define SLOT(i)                                    \
	((Py_ssize_t)(offsetof(struct obj, slot) + \
		      (size_t)(i) * sizeof(PyObject *)))
#define MEMBER(name, i, doc)                           \
	{                                              \
		name, T_OBJECT, SLOT(i), READONLY, doc \
	}

static Py_ssize_t obj_nslots(PyObject *o)
{
	return (Py_TYPE(o)->tp_basicsize - SLOT(0)) /
	       (Py_ssize_t)sizeof(PyObject *);
}

static int obj_traverse(PyObject *o, visitproc visit, void *arg)
{
	struct obj *self = (struct obj *)o;
	for (Py_ssize_t i = 0; i < obj_nslots(o); i++)
		Py_VISIT(self->slot[i]);
	return 0;
}

static int obj_clear(PyObject *o)
{
	struct obj *self = (struct obj *)o;
	for (Py_ssize_t i = 0; i < obj_nslots(o); i++)
		Py_CLEAR(self->slot[i]);
	return 0;
}

static void obj_dealloc(PyObject *o)
{
	PyObject_GC_UnTrack(o);
	obj_clear(o);
	PyObject_GC_Del(o);
}

static PyObject *obj_new(PyTypeObject *type)
{
	struct obj *o = PyObject_GC_New(struct obj, type);
	if (!o)
		return NULL;
	memset(o->slot, 0, (size_t)(type->tp_basicsize - SLOT(0)));
	PyObject_GC_Track(o);
	return (PyObject *)o;
}

/* Set a slot, taking the reference; NULL (an error) leaves it None. */
static int obj_set(PyObject *o, int i, PyObject *v)
{
	if (!v)
		return -1;
	struct obj *self = (struct obj *)o;
	Py_XSETREF(self->slot[i], v);
	return 0;
}

static PyObject *obj_get(PyObject *o, int i)
{
	PyObject *v = ((struct obj *)o)->slot[i];
	return v ? v : Py_None;
}

enum {
	NS_TYPE,
	NS_INO,
	NS_DEV,
	NS_NSID,
	NS_PARENT,
	NS_CHILDREN,
	NS_OWNER,
	NS_OWNED,
	NS_OWNER_UID,
	NS_PROCESSES,
	NS_REFS,
	NS_LEADER,
	NS_UID_MAP,
	NS_GID_MAP,
	NS_NETNSID,
	NS_NSLOTS,
};

static PyMemberDef ns_members[] = {
	MEMBER("type", NS_TYPE, "namespace type, a CLONE_NEW* constant"),
	MEMBER("ino", NS_INO, "inode number of the namespace"),
	MEMBER("dev", NS_DEV, "device number of the nsfs inode"),
	MEMBER("nsid", NS_NSID, "the kernel's 64-bit namespace id, or 0"),
	MEMBER("parent", NS_PARENT,
	       "parent Namespace (user, pid), or None at the top of what we "
	       "may see"),
	MEMBER("children", NS_CHILDREN, "tuple of child Namespaces"),
	MEMBER("owner", NS_OWNER,
	       "owning user Namespace, or None if out of our scope"),
	MEMBER("owned", NS_OWNED, "tuple of Namespaces this user ns owns"),
	MEMBER("owner_uid", NS_OWNER_UID,
	       "user namespaces: uid of their creator, or None if unknown"),
	MEMBER("processes", NS_PROCESSES, "tuple of member Processes"),
	MEMBER("refs", NS_REFS, "tuple of Refs: what holds the namespace"),
	MEMBER("leader", NS_LEADER,
	       "representative Process, or None without members"),
	MEMBER("uid_map", NS_UID_MAP,
	       "user namespaces: tuple of (inside, outside, count), the "
	       "lines of /proc/PID/uid_map of a member; () while none is "
	       "written; None if unknown"),
	MEMBER("gid_map", NS_GID_MAP,
	       "user namespaces: the same of /proc/PID/gid_map"),
	MEMBER("netnsid", NS_NETNSID,
	       "net namespaces: the id our net namespace knows it by, -1 "
	       "where it has none; None if unknown"),
	{NULL},
};

static PyObject *ns_repr(PyObject *o)
{
	long type = PyLong_AsLong(obj_get(o, NS_TYPE));
	if (type == -1 && PyErr_Occurred())
		return NULL;
	const char *name = nsrel_nstype_str((int)type);
	return PyUnicode_FromFormat("<linuxns_rel.Namespace %s:[%S]>",
				    name ? name : "?", obj_get(o, NS_INO));
}

enum {
	PROC_PID,
	PROC_PPID,
	PROC_NAME,
	PROC_CMDLINE,
	PROC_UID,
	PROC_STARTTIME,
	PROC_NAMESPACES,
	PROC_CONTAINER,
	PROC_NSLOTS,
};

static PyMemberDef proc_members[] = {
	MEMBER("pid", PROC_PID, "process id"),
	MEMBER("ppid", PROC_PPID, "parent process id"),
	MEMBER("name", PROC_NAME,
	       "the kernel's comm, extended from argv[0] where the kernel "
	       "cut it at 15 bytes, or '[comm]' for a kernel thread; raw "
	       "bytes decoded with os.fsdecode()"),
	MEMBER("cmdline", PROC_CMDLINE, "tuple of the arguments"),
	MEMBER("uid", PROC_UID, "real user id"),
	MEMBER("starttime", PROC_STARTTIME, "clock ticks since boot"),
	MEMBER("namespaces", PROC_NAMESPACES,
	       "dict: CLONE_NEW* type -> the process's Namespace"),
	MEMBER("container", PROC_CONTAINER,
	       "the Container the process is in, or None"),
	{NULL},
};

enum {
	CTR_ENGINE,
	CTR_ID,
	CTR_SHORT_ID,
	CTR_NAME,
	CTR_POD_NAME,
	CTR_POD_NAMESPACE,
	CTR_POD_UID,
	CTR_PROJECT,
	CTR_INIT,
	CTR_PROCESSES,
	CTR_NAMESPACES,
	CTR_NSLOTS,
};

static PyMemberDef ctr_members[] = {
	MEMBER("engine", CTR_ENGINE,
	       "'docker', 'podman', 'containerd', 'cri-o', 'kubernetes', "
	       "'lxc', 'systemd-nspawn', 'machined', 'flatpak' or 'oci'"),
	MEMBER("id", CTR_ID, "the engine's id of the container"),
	MEMBER("short_id", CTR_SHORT_ID, "its first 12 characters"),
	MEMBER("name", CTR_NAME, "its name, or None where not known"),
	MEMBER("pod_name", CTR_POD_NAME, "Kubernetes: the pod's name, or None"),
	MEMBER("pod_namespace", CTR_POD_NAMESPACE,
	       "Kubernetes: the pod's namespace, or None"),
	MEMBER("pod_uid", CTR_POD_UID, "Kubernetes: the pod's UID, or None"),
	MEMBER("project", CTR_PROJECT,
	       "the compose project or podman pod it is in, or None"),
	MEMBER("init", CTR_INIT, "its init Process (its PID 1), or None"),
	MEMBER("processes", CTR_PROCESSES, "tuple of its Processes, by pid"),
	MEMBER("namespaces", CTR_NAMESPACES,
	       "tuple of the Namespaces its processes are in"),
	{NULL},
};

static PyObject *ctr_repr(PyObject *o)
{
	return PyUnicode_FromFormat(
		"<linuxns_rel.Container %S %S %R>", obj_get(o, CTR_ENGINE),
		obj_get(o, CTR_SHORT_ID), obj_get(o, CTR_NAME));
}

static PyObject *proc_repr(PyObject *o)
{
	return PyUnicode_FromFormat("<linuxns_rel.Process %S %R>",
				    obj_get(o, PROC_PID),
				    obj_get(o, PROC_NAME));
}

enum {
	REF_KIND,
	REF_PROCESS,
	REF_TID,
	REF_FD,
	REF_PATH,
	REF_MNTNS,
	REF_NSLOTS,
};

static PyMemberDef ref_members[] = {
	MEMBER("kind", REF_KIND,
	       "'proc', 'task', 'for_children', 'fd', 'socket', 'bindmount' "
	       "or 'hidden'"),
	MEMBER("process", REF_PROCESS,
	       "the holding Process (proc, task, for_children, fd, socket)"),
	MEMBER("tid", REF_TID, "task: the thread id"),
	MEMBER("fd", REF_FD, "fd, socket: the fd number"),
	MEMBER("path", REF_PATH,
	       "bindmount: the mount point, as seen in its mount namespace"),
	MEMBER("mntns", REF_MNTNS,
	       "bindmount: the mount Namespace the mount lives in"),
	{NULL},
};

static PyObject *ref_repr(PyObject *o)
{
	PyObject *p = obj_get(o, REF_PROCESS);
	PyObject *kind = obj_get(o, REF_KIND);
	PyObject *tid = obj_get(o, REF_TID), *fd = obj_get(o, REF_FD);
	PyObject *path = obj_get(o, REF_PATH);
	/* Show what identifies the holder of this kind, nothing more. */
	if (tid != Py_None && p != Py_None)
		return PyUnicode_FromFormat(
			"<linuxns_rel.Ref %S pid=%S tid=%S>", kind,
			obj_get(p, PROC_PID), tid);
	if (fd != Py_None && p != Py_None)
		return PyUnicode_FromFormat("<linuxns_rel.Ref %S pid=%S fd=%S>",
					    kind, obj_get(p, PROC_PID), fd);
	if (p != Py_None)
		return PyUnicode_FromFormat("<linuxns_rel.Ref %S pid=%S>", kind,
					    obj_get(p, PROC_PID));
	if (path != Py_None)
		return PyUnicode_FromFormat("<linuxns_rel.Ref %S path=%R>",
					    kind, path);
	return PyUnicode_FromFormat("<linuxns_rel.Ref %S>", kind);
}

enum {
	MODEL_NAMESPACES,
	MODEL_PROCESSES,
	MODEL_UNREADABLE,
	MODEL_VIEW,
	MODEL_BACKEND,
	MODEL_ENGINE_WARNING,
	MODEL_CONTAINERS,
	MODEL_NSINDEX,
	MODEL_PROCINDEX,
	MODEL_NSLOTS,
};

static PyMemberDef model_members[] = {
	MEMBER("namespaces", MODEL_NAMESPACES,
	       "tuple of Namespaces, by type then inode"),
	MEMBER("processes", MODEL_PROCESSES, "tuple of Processes, by pid"),
	MEMBER("unreadable", MODEL_UNREADABLE,
	       "number of processes whose namespaces we may not read"),
	MEMBER("view", MODEL_VIEW,
	       "dict: what the scan could see (nsrel_model_view()): "
	       "privileged, user_ns, initial_user_ns, pid_ns, initial_pid_ns, "
	       "proc_pid_ns, hidepid, hidepid_applies, proc_subset_pid, "
	       "cap_effective, unreadable, mntns_stuck, cmdline_stuck, "
	       "files_cut"),
	MEMBER("backend", MODEL_BACKEND,
	       "the backend that found it: 'proc' or 'bpf'"),
	MEMBER("engine_warning", MODEL_ENGINE_WARNING,
	       "why an engine's API could not be asked, one line "
	       "(nsrel_model_engine_warning()); None if none failed"),
	MEMBER("containers", MODEL_CONTAINERS,
	       "tuple of Containers, by engine then id"),
	{NULL},
};

static PyObject *model_find(PyObject *o, PyObject *args, PyObject *kwargs)
{
	static char *kwlist[] = {"nstype", "ino", NULL};
	PyObject *type, *ino;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OO:find", kwlist, &type,
					 &ino))
		return NULL;
	PyObject *key = PyTuple_Pack(2, type, ino);
	if (!key)
		return NULL;
	PyObject *r = PyDict_GetItemWithError(obj_get(o, MODEL_NSINDEX), key);
	Py_DECREF(key);
	if (!r && PyErr_Occurred())
		return NULL;
	return Py_NewRef(r ? r : Py_None);
}

static PyObject *model_find_process(PyObject *o, PyObject *args,
				    PyObject *kwargs)
{
	static char *kwlist[] = {"pid", NULL};
	PyObject *pid;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O:find_process", kwlist,
					 &pid))
		return NULL;
	PyObject *r = PyDict_GetItemWithError(obj_get(o, MODEL_PROCINDEX), pid);
	if (!r && PyErr_Occurred())
		return NULL;
	return Py_NewRef(r ? r : Py_None);
}

static PyMethodDef model_methods[] = {
	{"find", (PyCFunction)(void (*)(void))model_find,
	 METH_VARARGS | METH_KEYWORDS,
	 "find($self, /, nstype, ino)\n--\n\n"
	 "The Namespace of that type and inode, or None."},
	{"find_process", (PyCFunction)(void (*)(void))model_find_process,
	 METH_VARARGS | METH_KEYWORDS,
	 "find_process($self, /, pid)\n--\n\nThe Process, or None."},
	{NULL},
};

static PyObject *model_repr(PyObject *o)
{
	return PyUnicode_FromFormat(
		"<linuxns_rel.Model: %zd namespaces, %zd processes>",
		PyTuple_GET_SIZE(obj_get(o, MODEL_NAMESPACES)),
		PyTuple_GET_SIZE(obj_get(o, MODEL_PROCESSES)));
}

#define OBJ_TYPE(cname, pyname, nslots, members, methods, repr, docstr) \
	static PyTypeObject cname = {                                   \
		PyVarObject_HEAD_INIT(NULL, 0).tp_name = pyname,        \
		.tp_basicsize = SLOT(nslots),                           \
		.tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,    \
		.tp_doc = docstr,                                       \
		.tp_traverse = obj_traverse,                            \
		.tp_clear = obj_clear,                                  \
		.tp_dealloc = obj_dealloc,                              \
		.tp_members = members,                                  \
		.tp_methods = methods,                                  \
		.tp_repr = repr,                                        \
	}

OBJ_TYPE(ns_type, "linuxns_rel.Namespace", NS_NSLOTS, ns_members, NULL, ns_repr,
	 "A namespace found by scan().");
OBJ_TYPE(proc_type, "linuxns_rel.Process", PROC_NSLOTS, proc_members, NULL,
	 proc_repr, "A process found by scan().");
OBJ_TYPE(ref_type, "linuxns_rel.Ref", REF_NSLOTS, ref_members, NULL, ref_repr,
	 "Something that holds a namespace open.");
OBJ_TYPE(ctr_type, "linuxns_rel.Container", CTR_NSLOTS, ctr_members, NULL,
	 ctr_repr, "A container, pod member or sandbox found by scan().");
OBJ_TYPE(model_type, "linuxns_rel.Model", MODEL_NSLOTS, model_members,
	 model_methods, model_repr,
	 "The namespaces and processes of one scan().");

/* Turns model pointers into the objects made for them. */
struct builder {
	const struct nsrel_model *m;
	PyObject *ns_by_ptr;   /* PyLong(pointer) -> Namespace */
	PyObject *proc_by_ptr; /* PyLong(pointer) -> Process */
	PyObject *ctr_by_ptr;  /* PyLong(pointer) -> Container */
};

static PyObject *lookup(PyObject *dict, const void *p)
{
	if (!p)
		return Py_NewRef(Py_None);
	PyObject *key = PyLong_FromVoidPtr((void *)p);
	if (!key)
		return NULL;
	PyObject *r = PyDict_GetItemWithError(dict, key);
	Py_DECREF(key);
	if (!r && PyErr_Occurred())
		return NULL;
	/* Not in the model's lists: say nothing rather than guess. */
	return Py_NewRef(r ? r : Py_None);
}

static PyObject *str_or_none(const char *s)
{
	return s ? PyUnicode_DecodeFSDefault(s) : Py_NewRef(Py_None);
}

/* Item i of what a tuple lists (of: a namespace, container, process or
 * id map): a new reference, or NULL with an exception. */
typedef PyObject *(*item_fn)(struct builder *b, const void *of, size_t i);

/* A tuple of the n items item() makes; NULL with an exception. */
static PyObject *tuple_of(struct builder *b, const void *of, size_t n,
			  item_fn item)
{
	PyObject *t = PyTuple_New((Py_ssize_t)n);
	for (size_t i = 0; t && i < n; i++) {
		PyObject *v = item(b, of, i);
		if (!v)
			Py_CLEAR(t);
		else
			PyTuple_SET_ITEM(t, (Py_ssize_t)i, v);
	}
	return t;
}

static PyObject *ns_child_item(struct builder *b, const void *ns, size_t i)
{
	return lookup(b->ns_by_ptr, nsrel_ns_child(ns, i));
}

static PyObject *ns_owned_item(struct builder *b, const void *ns, size_t i)
{
	return lookup(b->ns_by_ptr, nsrel_ns_owned(ns, i));
}

static PyObject *ns_proc_item(struct builder *b, const void *ns, size_t i)
{
	return lookup(b->proc_by_ptr, nsrel_ns_proc(ns, i));
}

static PyObject *ctr_proc_item(struct builder *b, const void *c, size_t i)
{
	return lookup(b->proc_by_ptr, nsrel_container_proc(c, i));
}

static PyObject *ctr_ns_item(struct builder *b, const void *c, size_t i)
{
	return lookup(b->ns_by_ptr, nsrel_container_ns(c, i));
}

static PyObject *proc_arg_item(struct builder *b, const void *p, size_t i)
{
	return str_or_none(nsrel_proc_arg(p, i));
}

/* (inside, outside, count) */
static PyObject *idmap_item(struct builder *b, const void *map, size_t i)
{
	const struct nsrel_idmap *e = (const struct nsrel_idmap *)map + i;
	return Py_BuildValue("(III)", e->inside, e->outside, e->count);
}

static PyObject *make_ref(struct builder *b, const struct nsrel_ref *r)
{
	PyObject *o = obj_new(&ref_type);
	if (!o)
		return NULL;
	enum nsrel_ref_kind kind = nsrel_ref_kind(r);
	const char *kname = nsrel_ref_kind_str(kind);
	if (obj_set(o, REF_KIND, PyUnicode_FromString(kname ? kname : "?")) ||
	    obj_set(o, REF_PROCESS, lookup(b->proc_by_ptr, nsrel_ref_proc(r))))
		goto fail;
	if (kind == NSREL_REF_TASK &&
	    obj_set(o, REF_TID, PyLong_FromLong(nsrel_ref_tid(r))))
		goto fail;
	if ((kind == NSREL_REF_FD || kind == NSREL_REF_SOCKET) &&
	    obj_set(o, REF_FD, PyLong_FromLong(nsrel_ref_fd(r))))
		goto fail;
	if (kind == NSREL_REF_BINDMOUNT &&
	    (obj_set(o, REF_PATH, str_or_none(nsrel_ref_path(r))) ||
	     obj_set(o, REF_MNTNS, lookup(b->ns_by_ptr, nsrel_ref_mntns(r)))))
		goto fail;
	return o;
fail:
	Py_DECREF(o);
	return NULL;
}

static PyObject *ns_ref_item(struct builder *b, const void *ns, size_t i)
{
	return make_ref(b, nsrel_ns_ref(ns, i));
}

/* The slots only some types have: left None where not known. */
static int fill_ns_facts(PyObject *o, const struct nsrel_ns *ns)
{
	const struct nsrel_idmap *map;
	size_t n;
	int id;

	if (nsrel_ns_uid_map(ns, &map, &n) == 0 &&
	    obj_set(o, NS_UID_MAP, tuple_of(NULL, map, n, idmap_item)))
		return -1;
	if (nsrel_ns_gid_map(ns, &map, &n) == 0 &&
	    obj_set(o, NS_GID_MAP, tuple_of(NULL, map, n, idmap_item)))
		return -1;
	if (nsrel_ns_netnsid(ns, &id) == 0 &&
	    obj_set(o, NS_NETNSID, PyLong_FromLong(id)))
		return -1;
	return 0;
}

static int fill_ns(struct builder *b, PyObject *o, const struct nsrel_ns *ns)
{
	if (fill_ns_facts(o, ns) < 0)
		return -1;
	if (obj_set(o, NS_PARENT, lookup(b->ns_by_ptr, nsrel_ns_parent(ns))) ||
	    obj_set(o, NS_CHILDREN,
		    tuple_of(b, ns, nsrel_ns_child_count(ns), ns_child_item)) ||
	    obj_set(o, NS_OWNER, lookup(b->ns_by_ptr, nsrel_ns_owner(ns))) ||
	    obj_set(o, NS_OWNED,
		    tuple_of(b, ns, nsrel_ns_owned_count(ns), ns_owned_item)) ||
	    obj_set(o, NS_LEADER,
		    lookup(b->proc_by_ptr, nsrel_ns_leader(ns))) ||
	    obj_set(o, NS_PROCESSES,
		    tuple_of(b, ns, nsrel_ns_proc_count(ns), ns_proc_item)) ||
	    obj_set(o, NS_REFS,
		    tuple_of(b, ns, nsrel_ns_ref_count(ns), ns_ref_item)))
		return -1;

	uid_t uid;
	if (nsrel_ns_type(ns) == CLONE_NEWUSER &&
	    nsrel_ns_owner_uid(ns, &uid) == 0 &&
	    obj_set(o, NS_OWNER_UID, PyLong_FromUnsignedLong(uid)))
		return -1;
	return 0;
}

static int fill_proc(struct builder *b, PyObject *o, const struct nsrel_proc *p)
{
	PyObject *d = PyDict_New();
	if (obj_set(o, PROC_NAMESPACES, d))
		return -1;
	for (unsigned i = 0; i < NSREL_NSTYPE_COUNT; i++) {
		int type = nsrel_nstype_at(i);
		const struct nsrel_ns *ns = nsrel_proc_ns(p, type);
		if (!ns)
			continue;
		PyObject *k = PyLong_FromLong(type);
		PyObject *v = k ? lookup(b->ns_by_ptr, ns) : NULL;
		int r = v ? PyDict_SetItem(d, k, v) : -1;
		Py_XDECREF(k);
		Py_XDECREF(v);
		if (r < 0)
			return -1;
	}
	return obj_set(o, PROC_CONTAINER,
		       lookup(b->ctr_by_ptr, nsrel_proc_container(p)));
}

static PyObject *new_ctr(struct builder *b, const struct nsrel_container *c)
{
	PyObject *o = obj_new(&ctr_type);
	if (!o)
		return NULL;
	const char *engine = nsrel_engine_str(nsrel_container_engine(c));
	if (obj_set(o, CTR_PROCESSES,
		    tuple_of(b, c, nsrel_container_proc_count(c),
			     ctr_proc_item)) ||
	    obj_set(o, CTR_NAMESPACES,
		    tuple_of(b, c, nsrel_container_ns_count(c), ctr_ns_item)) ||
	    obj_set(o, CTR_ENGINE, str_or_none(engine)) ||
	    obj_set(o, CTR_ID, str_or_none(nsrel_container_id(c))) ||
	    obj_set(o, CTR_SHORT_ID,
		    str_or_none(nsrel_container_short_id(c))) ||
	    obj_set(o, CTR_NAME, str_or_none(nsrel_container_name(c))) ||
	    obj_set(o, CTR_POD_NAME,
		    str_or_none(nsrel_container_pod_name(c))) ||
	    obj_set(o, CTR_POD_NAMESPACE,
		    str_or_none(nsrel_container_pod_namespace(c))) ||
	    obj_set(o, CTR_POD_UID, str_or_none(nsrel_container_pod_uid(c))) ||
	    obj_set(o, CTR_PROJECT, str_or_none(nsrel_container_project(c))) ||
	    obj_set(o, CTR_INIT,
		    lookup(b->proc_by_ptr, nsrel_container_init(c))))
		goto fail;
	return o;
fail:
	Py_DECREF(o);
	return NULL;
}

static PyObject *new_ns(const struct nsrel_ns *ns)
{
	PyObject *o = obj_new(&ns_type);
	if (!o)
		return NULL;
	struct nsrel_id id = nsrel_ns_id(ns);
	if (obj_set(o, NS_TYPE, PyLong_FromLong(nsrel_ns_type(ns))) ||
	    obj_set(o, NS_INO, PyLong_FromUnsignedLongLong(nsrel_ns_ino(ns))) ||
	    obj_set(o, NS_DEV, PyLong_FromUnsignedLongLong(id.dev)) ||
	    obj_set(o, NS_NSID, PyLong_FromUnsignedLongLong(id.nsid))) {
		Py_DECREF(o);
		return NULL;
	}
	return o;
}

static PyObject *new_proc(const struct nsrel_proc *p)
{
	PyObject *o = obj_new(&proc_type);
	if (!o)
		return NULL;
	if (obj_set(o, PROC_CMDLINE,
		    tuple_of(NULL, p, nsrel_proc_argc(p), proc_arg_item)) ||
	    obj_set(o, PROC_PID, PyLong_FromLong(nsrel_proc_pid(p))) ||
	    obj_set(o, PROC_PPID, PyLong_FromLong(nsrel_proc_ppid(p))) ||
	    obj_set(o, PROC_NAME, str_or_none(nsrel_proc_name(p))) ||
	    obj_set(o, PROC_UID, PyLong_FromUnsignedLong(nsrel_proc_uid(p))) ||
	    obj_set(o, PROC_STARTTIME,
		    PyLong_FromUnsignedLongLong(nsrel_proc_starttime(p))))
		goto fail;
	return o;
fail:
	Py_DECREF(o);
	return NULL;
}

/* Index an object under the model pointer it was made from. */
static int index_ptr(PyObject *dict, const void *p, PyObject *o)
{
	PyObject *key = PyLong_FromVoidPtr((void *)p);
	int r = key ? PyDict_SetItem(dict, key, o) : -1;
	Py_XDECREF(key);
	return r;
}

static PyObject *ino_or_none(ino_t ino)
{
	return ino ? PyLong_FromUnsignedLongLong(ino) : Py_NewRef(Py_None);
}

/* The view as a dict, keys as in the tools' "visibility" JSON member. */
static PyObject *build_view(const struct nsrel_model *m)
{
	struct nsrel_view v = {.sz = sizeof(v)};
	if (nsrel_model_view(m, &v) < 0)
		return set_errno(-EINVAL);
	return Py_BuildValue(
		"{s:O,s:N,s:O,s:N,s:O,s:N,s:N,s:O,s:O,s:K,s:n,s:n,s:O,s:n}",
		"privileged", v.privileged ? Py_True : Py_False, "user_ns",
		ino_or_none(v.user_ns), "initial_user_ns",
		v.user_ns_initial ? Py_True : Py_False, "pid_ns",
		ino_or_none(v.pid_ns), "initial_pid_ns",
		v.pid_ns_initial ? Py_True : Py_False, "proc_pid_ns",
		str_or_none(nsrel_proc_pidns_str(v.proc_pid_ns)), "hidepid",
		str_or_none(nsrel_hidepid_str(v.hidepid)), "hidepid_applies",
		v.hidepid_applies ? Py_True : Py_False, "proc_subset_pid",
		v.proc_subset_pid ? Py_True : Py_False, "cap_effective",
		(unsigned long long)v.cap_effective, "unreadable",
		(Py_ssize_t)v.unreadable, "mntns_stuck",
		(Py_ssize_t)v.mntns_stuck, "cmdline_stuck",
		v.cmdline_stuck ? Py_True : Py_False, "files_cut",
		(Py_ssize_t)v.files_cut);
}

static PyObject *build_model(const struct nsrel_model *m)
{
	struct builder b = {.m = m};
	PyObject *model = obj_new(&model_type);
	if (!model)
		return NULL;
	size_t nns = nsrel_model_ns_count(m), nproc = nsrel_model_proc_count(m);
	PyObject *nss = PyTuple_New((Py_ssize_t)nns);
	PyObject *procs = PyTuple_New((Py_ssize_t)nproc);
	if (obj_set(model, MODEL_NAMESPACES, nss) ||
	    obj_set(model, MODEL_PROCESSES, procs) ||
	    obj_set(model, MODEL_UNREADABLE,
		    PyLong_FromSize_t(nsrel_model_unreadable(m))) ||
	    obj_set(model, MODEL_VIEW, build_view(m)) ||
	    obj_set(model, MODEL_BACKEND,
		    PyUnicode_FromString(
			    nsrel_backend_str(nsrel_model_backend(m)))) ||
	    obj_set(model, MODEL_ENGINE_WARNING,
		    nsrel_model_engine_warning(m)
			    ? PyUnicode_DecodeUTF8(
				      nsrel_model_engine_warning(m),
				      (Py_ssize_t)strlen(
					      nsrel_model_engine_warning(m)),
				      "surrogateescape")
			    : Py_NewRef(Py_None)) ||
	    obj_set(model, MODEL_NSINDEX, PyDict_New()) ||
	    obj_set(model, MODEL_PROCINDEX, PyDict_New()))
		goto fail;
	b.ns_by_ptr = PyDict_New();
	b.proc_by_ptr = PyDict_New();
	b.ctr_by_ptr = PyDict_New();
	if (!b.ns_by_ptr || !b.proc_by_ptr || !b.ctr_by_ptr)
		goto fail;

	/* Objects first, so that relations can point at any of them. */
	for (size_t i = 0; i < nns; i++) {
		const struct nsrel_ns *ns = nsrel_model_ns(m, i);
		PyObject *o = new_ns(ns);
		if (!o)
			goto fail;
		PyTuple_SET_ITEM(nss, (Py_ssize_t)i, o);
		if (index_ptr(b.ns_by_ptr, ns, o) < 0)
			goto fail;
		PyObject *key = PyTuple_Pack(2, obj_get(o, NS_TYPE),
					     obj_get(o, NS_INO));
		int r = key ? PyDict_SetItem(obj_get(model, MODEL_NSINDEX), key,
					     o)
			    : -1;
		Py_XDECREF(key);
		if (r < 0)
			goto fail;
	}
	for (size_t i = 0; i < nproc; i++) {
		const struct nsrel_proc *p = nsrel_model_proc(m, i);
		PyObject *o = new_proc(p);
		if (!o)
			goto fail;
		PyTuple_SET_ITEM(procs, (Py_ssize_t)i, o);
		if (index_ptr(b.proc_by_ptr, p, o) < 0 ||
		    PyDict_SetItem(obj_get(model, MODEL_PROCINDEX),
				   obj_get(o, PROC_PID), o) < 0)
			goto fail;
	}
	size_t nctr = nsrel_model_container_count(m);
	PyObject *ctrs = PyTuple_New((Py_ssize_t)nctr);
	if (obj_set(model, MODEL_CONTAINERS, ctrs))
		goto fail;
	for (size_t i = 0; i < nctr; i++) {
		const struct nsrel_container *c = nsrel_model_container(m, i);
		PyObject *o = new_ctr(&b, c);
		if (!o)
			goto fail;
		PyTuple_SET_ITEM(ctrs, (Py_ssize_t)i, o);
		if (index_ptr(b.ctr_by_ptr, c, o) < 0)
			goto fail;
	}
	for (size_t i = 0; i < nns; i++)
		if (fill_ns(&b, PyTuple_GET_ITEM(nss, (Py_ssize_t)i),
			    nsrel_model_ns(m, i)) < 0)
			goto fail;
	for (size_t i = 0; i < nproc; i++)
		if (fill_proc(&b, PyTuple_GET_ITEM(procs, (Py_ssize_t)i),
			      nsrel_model_proc(m, i)) < 0)
			goto fail;
	Py_DECREF(b.ns_by_ptr);
	Py_DECREF(b.proc_by_ptr);
	Py_DECREF(b.ctr_by_ptr);
	return model;
fail:
	Py_XDECREF(b.ns_by_ptr);
	Py_XDECREF(b.proc_by_ptr);
	Py_XDECREF(b.ctr_by_ptr);
	Py_DECREF(model);
	return NULL;
}

PyDoc_STRVAR(scan_doc,
	     "scan($module, /, *, types=0, sources=0, backend='auto',\n"
	     "     containers=True, engine_api=None, engine_socket=None,\n"
	     "     threads=0)\n"
	     "--\n\n"
	     "Finds every namespace on the host and how they relate; returns\n"
	     "a Model. types is a mask of CLONE_NEW* (0: all), sources a mask\n"
	     "of SOURCE_* (0: all); a bit outside them is a ValueError.\n"
	     "backend is 'auto', 'proc' (read /proc) or 'bpf' (the kernel's\n"
	     "BPF iterators; OSError where they cannot run). containers:\n"
	     "identify containers (Model.containers, Process.container);\n"
	     "engine_api: ask the engines' APIs (True, False; None: where\n"
	     "the caller is privileged). Process.name is\n"
	     "the kernel's comm (see nsrel_proc_name(3)), Process.cmdline the\n"
	     "command line, read in the scan.\n"
	     "engine_socket: the one engine API socket to ask (a path),\n"
	     "instead of the default ones; Model.engine_warning says why an\n"
	     "engine could not be asked.\n"
	     "threads: how many threads read /proc for the 'proc' backend,\n"
	     "this one among them (0: one per CPU, at most 4, from 256\n"
	     "processes on; 1: this one alone; at most 64).\n"
	     "A scan that cannot finish raises OSError with the errno\n"
	     "(EMFILE out of file descriptors, ENOMEM, EIO): only what is\n"
	     "gone or not ours to read is skipped, never a smaller Model.");

/* An int mask of the bits in all, for PyArg "O&": ValueError for any
 * other bit and for a negative or too large int. */
static int mask_arg(PyObject *obj, unsigned all, const char *what,
		    unsigned *ret)
{
	PyObject *n = PyNumber_Index(obj);
	if (!n)
		return 0;
	int overflow = 0;
	long long v = PyLong_AsLongLongAndOverflow(n, &overflow);
	Py_DECREF(n);
	if (v == -1 && PyErr_Occurred())
		return 0;
	if (overflow || v < 0 ||
	    ((unsigned long long)v & ~(unsigned long long)all)) {
		PyErr_Format(PyExc_ValueError, "invalid %s mask %R", what, obj);
		return 0;
	}
	*ret = (unsigned)v;
	return 1;
}

static int types_arg(PyObject *obj, void *ret)
{
	return mask_arg(obj, NSREL_ALL_TYPES, "types", ret);
}

static int sources_arg(PyObject *obj, void *ret)
{
	return mask_arg(obj, NSREL_SRC_ALL, "sources", ret);
}

/* A path (str, bytes, os.PathLike) as bytes, for PyArg "O&"; None: NULL. */
static int path_or_none_arg(PyObject *obj, void *ret)
{
	if (obj == Py_None) {
		*(PyObject **)ret = NULL;
		return 1;
	}
	return PyUnicode_FSConverter(obj, ret);
}

static PyObject *py_scan(PyObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kwlist[] = {"types",      "sources",    "backend",
				 "containers", "engine_api", "engine_socket",
				 "threads",    NULL};
	unsigned int types = 0, sources = 0;
	const char *backend = "auto";
	int containers = 1;
	PyObject *engine_api = Py_None;
	PyObject *sock = NULL; /* str, bytes or os.PathLike, or None */
	int threads = 0;
	if (!PyArg_ParseTupleAndKeywords(
		    args, kwargs, "|$O&O&spOO&i:scan", kwlist, types_arg,
		    &types, sources_arg, &sources, &backend, &containers,
		    &engine_api, path_or_none_arg, &sock, &threads))
		return NULL;
	if (threads < 0 || threads > 64) {
		PyErr_Format(PyExc_ValueError,
			     "threads must be 0 to 64, not %d", threads);
		Py_XDECREF(sock);
		return NULL;
	}
	if (engine_api != Py_None && !PyBool_Check(engine_api)) {
		PyErr_SetString(PyExc_TypeError,
				"engine_api must be True, False or None");
		Py_XDECREF(sock);
		return NULL;
	}
	static const enum nsrel_backend backends[] = {
		NSREL_BACKEND_AUTO, NSREL_BACKEND_PROC, NSREL_BACKEND_BPF};
	size_t bi = 0;
	while (bi < sizeof(backends) / sizeof(backends[0]) &&
	       strcmp(nsrel_backend_str(backends[bi]), backend) != 0)
		bi++;
	if (bi == sizeof(backends) / sizeof(backends[0])) {
		PyErr_Format(PyExc_ValueError,
			     "backend must be 'auto', 'proc' or 'bpf', not "
			     "'%.100s'",
			     backend);
		Py_XDECREF(sock);
		return NULL;
	}
	struct nsrel_scan_opts opts = {
		.sz = sizeof(opts),
		.types = types,
		.sources = sources,
		.flags = NSREL_SCAN_CMDLINE,
		.backend = backends[bi],
		.threads = (unsigned)threads,
		.containers = containers ? NSREL_SWITCH_ON : NSREL_SWITCH_OFF,
		.engine_api = engine_api == Py_None   ? NSREL_SWITCH_AUTO
			      : engine_api == Py_True ? NSREL_SWITCH_ON
						      : NSREL_SWITCH_OFF};
	if (sock) {
		opts.engine_api = NSREL_SWITCH_ON;
		opts.engine_socket = PyBytes_AS_STRING(sock);
	}
	struct nsrel_model *m = NULL;
	int r;
	Py_BEGIN_ALLOW_THREADS
	r = nsrel_scan(&opts, &m);
	Py_END_ALLOW_THREADS
	Py_XDECREF(sock);
	if (r < 0)
		return set_errno(r);
	PyObject *model = build_model(m);
	nsrel_model_free(m);
	return model;
}

/* ---- The module -------------------------------------------------------- */

#define FUNC(name, fn, doc)                               \
	{                                                 \
		name, (PyCFunction)(void (*)(void))fn,    \
			METH_VARARGS | METH_KEYWORDS, doc \
	}

static PyMethodDef methods[] = {
	FUNC("get_nstype", py_get_nstype, get_nstype_doc),
	FUNC("get_userns", py_get_userns, get_userns_doc),
	FUNC("get_parentns", py_get_parentns, get_parentns_doc),
	FUNC("get_owner_uid", py_get_owner_uid, get_owner_uid_doc),
	FUNC("nstype_str", py_nstype_str, nstype_str_doc),
	FUNC("scan", py_scan, scan_doc),
	{NULL},
};

PyDoc_STRVAR(module_doc,
	     "Introspection of Linux kernel namespace relationships: owning\n"
	     "user namespace, parent namespace of a PID or user namespace,\n"
	     "the owner's user ID of a user namespace; and scan(), every\n"
	     "namespace on the host and how they relate. Built on libnsrel.");

static struct PyModuleDef module = {
	PyModuleDef_HEAD_INIT, .m_name = "linuxns_rel", .m_doc = module_doc,
	.m_size = -1,	       .m_methods = methods,
};

static int add_int(PyObject *m, const char *name, long v)
{
	return PyModule_AddIntConstant(m, name, v);
}

PyMODINIT_FUNC PyInit_linuxns_rel(void)
{
	static const struct {
		const char *name;
		int type;
	} types[] = {
		{"CLONE_NEWNS", CLONE_NEWNS},
		{"CLONE_NEWCGROUP", CLONE_NEWCGROUP},
		{"CLONE_NEWUTS", CLONE_NEWUTS},
		{"CLONE_NEWIPC", CLONE_NEWIPC},
		{"CLONE_NEWUSER", CLONE_NEWUSER},
		{"CLONE_NEWPID", CLONE_NEWPID},
		{"CLONE_NEWNET", CLONE_NEWNET},
		{"CLONE_NEWTIME", CLONE_NEWTIME},
	};
	PyObject *m = PyModule_Create(&module);
	if (!m)
		return NULL;
	PyObject *names = PyDict_New();
	if (PyModule_AddObject(m, "NAMESPACE_TYPE_NAMES", names) < 0) {
		Py_XDECREF(names);
		goto fail;
	}
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		PyObject *k = PyLong_FromLong(types[i].type);
		PyObject *v =
			PyUnicode_FromString(nsrel_nstype_str(types[i].type));
		int r = k && v ? PyDict_SetItem(names, k, v) : -1;
		Py_XDECREF(k);
		Py_XDECREF(v);
		if (r < 0 || add_int(m, types[i].name, types[i].type) < 0)
			goto fail;
	}
	if (PyModule_AddStringConstant(m, "__version__", NSREL_VERSION) < 0)
		goto fail;
	static const struct {
		const char *name;
		unsigned bit;
	} sources[] = {
		{"SOURCE_PROCS", NSREL_SRC_PROCS},
		{"SOURCE_TASKS", NSREL_SRC_TASKS},
		{"SOURCE_FDS", NSREL_SRC_FDS},
		{"SOURCE_MOUNTS", NSREL_SRC_MOUNTS},
		{"SOURCE_HIERARCHY", NSREL_SRC_HIERARCHY},
		{"SOURCE_LISTNS", NSREL_SRC_LISTNS},
		{"SOURCE_ALL", NSREL_SRC_ALL},
	};
	for (size_t i = 0; i < sizeof(sources) / sizeof(sources[0]); i++)
		if (add_int(m, sources[i].name, (long)sources[i].bit) < 0)
			goto fail;
	PyTypeObject *otypes[] = {&ns_type, &proc_type, &ref_type, &ctr_type,
				  &model_type};
	for (size_t i = 0; i < sizeof(otypes) / sizeof(otypes[0]); i++) {
		if (PyType_Ready(otypes[i]) < 0)
			goto fail;
		const char *dot = strrchr(otypes[i]->tp_name, '.');
		if (PyModule_AddObjectRef(m, dot + 1, (PyObject *)otypes[i]) <
		    0)
			goto fail;
	}
	return m;
fail:
	Py_DECREF(m);
	return NULL;
}
