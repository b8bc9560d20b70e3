#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""graphns -o FILE.html in a real browser: Chromium, headless, driven by
Selenium (Debian's chromium, chromium-driver and python3-selenium).

On the namespace zoo, plus what this test makes itself: a process named
'"><img src=x onerror=alert(1)>' in a user namespace of its own, and a uts
namespace held only by a bind mount at a path holding
'</script><script>alert(1)</script>'. The page made from that must:
need nothing from the network (a Content-Security-Policy of 'none' for
everything but inline script and style, and no URL in it); show every zoo
namespace (a node, or a member of a group node); find a PID and mark its
node; show a node's details on a click, the hostile names as text, and
mark its path to the root; zoom and pan (the transform of the drawing
changes) with keys, the wheel and a drag; expand a group (e, a
double-click, its details' button) and show a member; hide the owner
arrows; save the SVG; and never run a script or add an element from a
name: no alert, no <img>, only the page's own two <script> elements. A
screenshot is kept in the build directory (--out).

Skips with the reason only where Chromium, its driver or Selenium is
missing, or the zoo cannot run. Speaks TAP.

Usage: test-web.py --graphns PATH --zoo PATH --out DIR
"""

import argparse
import ctypes
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
from tap import check, plan, run_test  # noqa: E402
from zoorun import start_for_tap  # noqa: E402

IMG = '"><img src=x onerror=alert(1)>'
SCRIPT = "</script><script>alert(1)</script>"
CLONE_NEWUTS = 0x04000000
CLONE_NEWUSER = 0x10000000
MNT_DETACH = 2

libc = ctypes.CDLL(None, use_errno=True)


def unshare(flags):
    if libc.unshare(flags) != 0:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e))


def graphns_env():
    """Under the sanitizer build, Graphviz's and fontconfig's caches live
    until exit: tests/graphns/lsan.supp names them, as test-graphns.c
    does; leaks of our own still fail."""
    env = dict(os.environ)
    supp = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                        "lsan.supp")
    old = env.get("LSAN_OPTIONS")
    env["LSAN_OPTIONS"] = (old + ":" if old else "") + "suppressions=" + supp
    return env


def browser_missing():
    """Why the browser test cannot run here, or None."""
    for prog in ("chromium", "chromedriver"):
        if not shutil.which(prog, path="/usr/bin:/bin:" +
                            os.environ.get("PATH", "")):
            return "%s is not installed (Debian: chromium, " \
                   "chromium-driver)" % prog
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "python3-selenium is not installed for %s" % sys.executable
    return None


class Hostile:
    """The two hostile names of this test, on real namespaces."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="test-web.")
        self.procs = []
        self.mount = None
        # A process in a user namespace of its own, exec'd through a
        # link named IMG: comm is its first 15 bytes, and the name the
        # model shows is the basename of argv[0], all of IMG.
        link = os.path.join(self.dir, IMG)
        os.symlink(shutil.which("sleep") or "/bin/sleep", link)
        p = subprocess.Popen([link, "600"],
                             preexec_fn=lambda: unshare(CLONE_NEWUSER))
        self.procs.append(p)
        self.img_pid = p.pid
        # A uts namespace held only by a bind mount at a path with
        # SCRIPT in it (directories "<", "script><script>alert(1)<",
        # and a file "script>").
        d = os.path.join(self.dir, "<", "script><script>alert(1)<")
        os.makedirs(d)
        target = os.path.join(d, "script>")
        open(target, "w").close()
        self.path = target
        check(SCRIPT in target, "the mount path holds the hostile string")
        holder = subprocess.Popen(["sleep", "600"],
                                  preexec_fn=lambda: unshare(CLONE_NEWUTS))
        self.procs.append(holder)
        deadline = time.time() + 10
        own = os.stat("/proc/self/ns/uts").st_ino
        while os.stat("/proc/%d/ns/uts" % holder.pid).st_ino == own:
            check(time.time() < deadline, "the uts holder did not unshare")
            time.sleep(0.05)
        self.uts_ino = os.stat("/proc/%d/ns/uts" % holder.pid).st_ino
        subprocess.run(["mount", "--bind", "/proc/%d/ns/uts" % holder.pid,
                        target], check=True)
        self.mount = target
        holder.kill()
        holder.wait()
        deadline = time.time() + 10
        while os.stat("/proc/%d/ns/user" % self.img_pid).st_ino == \
                os.stat("/proc/self/ns/user").st_ino:
            check(time.time() < deadline, "no user namespace of its own")
            time.sleep(0.05)
        self.img_user = os.stat("/proc/%d/ns/user" % self.img_pid).st_ino

    def close(self):
        for p in self.procs:
            if p.poll() is None:
                p.send_signal(signal.SIGKILL)
                p.wait()
        if self.mount:
            libc.umount2(self.mount.encode(), MNT_DETACH)
        shutil.rmtree(self.dir, ignore_errors=True)


def start_browser(download_dir):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    o = webdriver.ChromeOptions()
    o.binary_location = shutil.which("chromium", path="/usr/bin:/bin")
    for a in ("--headless=new", "--disable-gpu", "--window-size=1280,860",
              "--disable-dev-shm-usage", "--no-first-run",
              "--disable-extensions", "--disable-background-networking"):
        o.add_argument(a)
    if os.geteuid() == 0:
        # Chromium refuses to run as root with its sandbox.
        o.add_argument("--no-sandbox")
    o.add_experimental_option("prefs", {
        "download.default_directory": download_dir,
        "download.prompt_for_download": False})
    d = webdriver.Chrome(service=Service(
        shutil.which("chromedriver", path="/usr/bin:/bin")), options=o)
    d.execute_cdp_cmd("Page.setDownloadBehavior",
                      {"behavior": "allow", "downloadPath": download_dir})
    return d


def no_alert(d):
    from selenium.common.exceptions import NoAlertPresentException
    try:
        a = d.switch_to.alert
        text = a.text
        a.dismiss()
    except NoAlertPresentException:
        return
    raise AssertionError("an alert ran: %r" % text)


def js(d, code, *args):
    return d.execute_script(code, *args)


def transform(d):
    return js(d, "return document.getElementById('viewport')"
                 ".getAttribute('transform')")


class Page:
    def __init__(self, args, zoo, hostile, tmp):
        self.args, self.zoo, self.hostile, self.tmp = args, zoo, hostile, tmp
        self.path = os.path.join(tmp, "zoo.html")
        r = subprocess.run([args.graphns, "-d", "-o", self.path],
                           stderr=subprocess.PIPE,
                           env=graphns_env())
        check(r.returncode == 0, "graphns -o zoo.html: %r" % r.stderr)
        with open(self.path, "rb") as f:
            self.raw = f.read()
        self.downloads = os.path.join(tmp, "downloads")
        os.mkdir(self.downloads)
        self.d = start_browser(self.downloads)
        self.d.get("file://" + self.path)
        self.d.implicitly_wait(0)

    def close(self):
        self.d.quit()

    # ---- the tests ----

    def test_file(self):
        """The file alone: no URL to load, the hostile strings only
        escaped, and only our own two scripts."""
        text = self.raw.decode("utf-8")
        check(text.count("</script>") == 2,
              "</script> %d times, not the page's own two"
              % text.count("</script>"))
        check("<script>alert" not in text, "a raw <script> from a name")
        check("<img" not in text, "a raw <img> from a name")
        for bad in ("http://", "https://", "//cdn", "src=\"http"):
            # Graphviz's SVG names its namespaces (xmlns="http://www.w3.
            # org/...") and DOCTYPE; nothing else may be a URL.
            for line in text.splitlines():
                if bad in line and "www.w3.org" not in line:
                    raise AssertionError("a URL in the page: %r"
                                         % line[:120])
        check("default-src 'none'" in text, "no Content-Security-Policy")

    def test_no_script_ran(self):
        d = self.d
        no_alert(d)
        check(js(d, "return document.scripts.length") == 2,
              "not the page's own two scripts")
        check(js(d, "return document.images.length") == 0,
              "an <img> in the page")
        check(js(d, "return document.querySelectorAll('[onerror]')"
                    ".length") == 0, "an onerror attribute in the page")
        logs = [e for e in d.get_log("browser")
                if e.get("level") == "SEVERE"]
        check(not logs, "errors in the console: %r" % logs)

    def test_every_zoo_namespace(self):
        missing = js(self.d, """
            var ids = arguments[0], data = JSON.parse(
                document.getElementById('data').textContent), node = {};
            data.nodes.forEach(function (n) {
                node[n.id] = n.node || n.id;
            });
            return ids.filter(function (id) {
                return !node[id] || !document.getElementById(node[id]);
            });""", ["%s-%d" % (n["type"], n["ino"])
                     for n in self.zoo.manifest["namespaces"]])
        check(not missing, "zoo namespaces not in the page: %r" % missing)

    def search(self, text):
        from selenium.webdriver.common.keys import Keys
        d = self.d
        d.find_element("tag name", "body").send_keys("/")
        q = d.find_element("id", "q")
        check(js(d, "return document.activeElement.id") == "q",
              "'/' does not focus the search")
        q.clear()
        q.send_keys(text)
        q.send_keys(Keys.ENTER)
        return d.find_element("id", "msg").text

    def test_search_pid(self):
        d = self.d
        ns = [n for n in self.zoo.manifest["namespaces"]
              if n["type"] == "user" and n.get("held") == "proc"][0]
        msg = self.search(str(ns["pid"]))
        uid = "user-%d" % ns["ino"]
        cls = js(d, "return document.getElementById(arguments[0])"
                    ".getAttribute('class')", uid)
        check("match" in cls, "%s not marked for PID %d: %r (%s)"
              % (uid, ns["pid"], cls, msg))
        check("of" in msg, "no count of matches: %r" % msg)
        # Enter moves on: the current match is one of the matches.
        cur = js(d, "return document.querySelectorAll('.node.current')"
                    ".length")
        check(cur == 1, "%d current matches" % cur)
        # A search by inode and by name, too.
        self.search(str(self.hostile.img_user))
        check("current" in js(d, "return document.getElementById("
                                 "arguments[0]).getAttribute('class')",
                              "user-%d" % self.hostile.img_user),
              "the inode search does not mark the node")
        msg = self.search("onerror")
        check(not msg.startswith("no match"), "no match for a name")

    def test_click_details(self):
        d = self.d
        uid = "user-%d" % self.hostile.img_user
        el = d.find_element("id", uid)
        from selenium.webdriver.common.action_chains import ActionChains
        js(d, "window.graphns.centreOn(arguments[0])", uid)
        ActionChains(d).move_to_element(el).click().perform()
        panel = d.find_element("id", "details")
        check(panel.is_displayed(), "no details panel after a click")
        text = panel.text
        check(IMG in text, "the name is not shown as text: %r" % text[:300])
        check("user" in text and str(self.hostile.img_user) in text,
              "no type or inode in the details: %r" % text[:300])
        check(str(self.hostile.img_pid) in text, "no holder PID")
        host = "user-%d" % os.stat("/proc/self/ns/user").st_ino
        marked = js(d, "return Array.from(document.querySelectorAll("
                       "'g.node.user.path')).map(function (e) {"
                       "return e.id; })")
        check(host in marked and uid in marked,
              "the path %s to %s is not marked: %r" % (uid, host, marked))
        check(js(d, "return document.querySelectorAll('g.edge.path')"
                    ".length") >= 1, "no edge of the path marked")
        path = js(d, "return document.getElementById(arguments[0])"
                     ".getAttribute('class')", uid)
        check("path" in path, "the node itself is not on its path")
        no_alert(d)
        # The uts namespace of the bind mount: its details name the path.
        self.search(str(self.hostile.uts_ino))
        text = panel.text
        check(SCRIPT in text, "the mount path is not shown as text: %r"
              % text[:400])
        no_alert(d)
        check(js(d, "return document.scripts.length") == 2,
              "a script element from a name")
        # The zoo's hostile process (tests/lib/hostile.h): its name as
        # the tools escape it, nothing raw.
        hostile = [n for n in self.zoo.manifest["namespaces"]
                   if n["name"] == "hostile"][0]
        js(d, "window.graphns.select(arguments[0])",
           "user-%d" % hostile["ino"])
        text = js(d, "return document.getElementById('details')"
                     ".textContent")
        check("\\e[31m\\u202e\\u009b\\x7f\\n\\u200bevil\\x01" in text,
              "the hostile name is not escaped text: %r" % text[:300])
        for raw in ("\x1b", "\u202e", "\u009b", "\u200b", "\u2028",
                    "\x01", "\x7f"):
            check(raw not in text, "raw %r in the details" % raw)

    def test_zoom_pan(self):
        from selenium.webdriver.common.action_chains import ActionChains
        d = self.d
        body = d.find_element("tag name", "body")
        body.send_keys("1")
        t0 = transform(d)
        body.send_keys("+")
        t1 = transform(d)
        check(t1 != t0, "+ does not zoom: %s" % t1)
        body.send_keys("0")
        t2 = transform(d)
        check(t2 != t1, "0 does not fit")
        body.send_keys("-")
        check(transform(d) != t2, "- does not zoom")
        t3 = transform(d)
        from selenium.webdriver.common.keys import Keys
        body.send_keys(Keys.ARROW_LEFT)
        check(transform(d) != t3, "an arrow does not pan")
        view = d.find_element("id", "view")
        t4 = transform(d)
        ActionChains(d).move_to_element_with_offset(view, 10, 10) \
            .click_and_hold().move_by_offset(120, 80).release().perform()
        check(transform(d) != t4, "a drag does not pan")
        t5 = transform(d)
        ActionChains(d).scroll_from_origin(
            __import__("selenium.webdriver.common.actions.wheel_input",
                       fromlist=["ScrollOrigin"]).ScrollOrigin
            .from_element(view), 0, -300).perform()
        time.sleep(0.2)
        check(transform(d) != t5, "the wheel does not zoom")

    def test_group(self):
        """A page with --group=1: the zoo's host user namespace owns
        several net namespaces, one group node; 'e' expands it into a
        column of all its members and collapses it again."""
        d = self.d
        path = os.path.join(self.tmp, "grouped.html")
        r = subprocess.run([self.args.graphns, "-d", "--group=1", "-o",
                            path], stderr=subprocess.PIPE,
                           env=graphns_env())
        check(r.returncode == 0, "graphns --group=1: %r" % r.stderr)
        try:
            d.get("file://" + path)
            host = os.stat("/proc/self/ns/user").st_ino
            gid = "user-%d-net" % host
            check(js(d, "var g = document.getElementById(arguments[0]);"
                        "return g !== null && g.classList.contains("
                        "'group')", gid), "no group node %s" % gid)
            n = js(d, "return JSON.parse(document.getElementById('data')"
                      ".textContent).groups[arguments[0]].members.length",
                   gid)
            check(n >= 2, "group %s has %d members" % (gid, n))
            js(d, "window.graphns.select(arguments[0])", gid)
            check(("net \u00d7 %d" % n) in
                  d.find_element("id", "details").text,
                  "the details do not say the group's count")
            d.find_element("tag name", "body").send_keys("e")
            shown = js(d, "var c = document.getElementById('expansion-' + "
                          "arguments[0]); return c ? c.children.length : "
                          "-1", gid)
            check(shown == n, "expanded %s shows %d of %d"
                  % (gid, shown, n))
            # A member found by search selects the group's node.
            bind = [x for x in self.zoo.manifest["namespaces"]
                    if x["name"] == "bindnet"][0]
            self.search(str(bind["ino"]))
            check("current" in js(d, "return document.getElementById("
                                     "arguments[0]).getAttribute('class')",
                                  gid), "a member's search misses its group")
            d.find_element("tag name", "body").send_keys("e")
            check(js(d, "return document.getElementById('expansion-' + "
                        "arguments[0])", gid) is None, "no collapse")
            # With the mouse: a double-click on the group expands it; a
            # click on a member there shows the member's details; the
            # group's "collapse" button collapses it.
            from selenium.webdriver.common.action_chains import ActionChains
            js(d, "window.graphns.centreOn(arguments[0])", gid)
            count = "var c = document.getElementById('expansion-' + " \
                    "arguments[0]); return c ? c.children.length : -1"
            # On a busy machine the first click's details (every member
            # listed) may take so long that the second one is not part of
            # a double-click: once more then.
            for attempt in range(2):
                ActionChains(d).double_click(
                    d.find_element("id", gid)).perform()
                deadline = time.time() + 10
                while js(d, count, gid) < 0 and time.time() < deadline:
                    time.sleep(0.2)
                if js(d, count, gid) >= 0:
                    break
            shown = js(d, count, gid)
            check(shown == n, "a double-click on %s shows %d of %d"
                  % (gid, shown, n))
            # the first member, beside the group in view
            first = js(d, "return JSON.parse(document.getElementById("
                          "'data').textContent).groups[arguments[0]]"
                          ".members[0]", gid)
            # clicked where the page shows it (its centre in the window,
            # as an offset from the middle of the view), the group's
            # details (over the right of the view) closed first
            from selenium.webdriver.common.keys import Keys
            d.find_element("tag name", "body").send_keys(Keys.ESCAPE)
            check(not d.find_element("id", "details").is_displayed(),
                  "Escape does not close the details")
            off = js(d, "var r = document.querySelector(arguments[0])"
                        ".getBoundingClientRect(), v = document"
                        ".getElementById('view').getBoundingClientRect();"
                        "return [Math.round(r.x + r.width / 2 - v.x - "
                        "v.width / 2), Math.round(r.y + r.height / 2 - v.y "
                        "- v.height / 2)]", "#x-%s rect" % first)
            ActionChains(d).move_to_element_with_offset(
                d.find_element("id", "view"), off[0], off[1]) \
                .click().perform()
            text = d.find_element("id", "details").text
            check(first.split("-")[1] in text,
                  "a click on member %s does not show it: %r"
                  % (first, text[:200]))
            js(d, "window.graphns.select(arguments[0])", gid)
            button = [b for b in d.find_elements(
                "css selector", "#details button")
                if b.text == "collapse"]
            check(button, "no collapse button in the group's details")
            button[0].click()
            check(js(d, "return document.getElementById('expansion-' + "
                        "arguments[0])", gid) is None,
                  "the collapse button does not collapse %s" % gid)
            no_alert(d)
        finally:
            d.get("file://" + self.path)

    def test_owner_arrows(self):
        d = self.d
        if not js(d, "return document.querySelector('g.edge.owner') "
                     "!== null"):
            raise AssertionError("no owner arrow in the zoo's page")
        vis = "return getComputedStyle(document.querySelector(" \
              "'g.edge.owner')).display"
        check(js(d, vis) != "none", "owner arrows hidden at first")
        d.find_element("tag name", "body").send_keys("a")
        check(js(d, vis) == "none", "a does not hide the owner arrows")
        d.find_element("tag name", "body").send_keys("a")
        check(js(d, vis) != "none", "a does not show them again")

    def test_save(self):
        d = self.d
        d.find_element("tag name", "body").send_keys("s")
        out = os.path.join(self.downloads, "graphns.svg")
        # The browser may show the file before it has written all of it.
        svg = b""
        deadline = time.time() + 20
        while time.time() < deadline:
            if os.path.exists(out):
                with open(out, "rb") as f:
                    svg = f.read()
                if svg.rstrip().endswith(b"</svg>"):
                    break
            time.sleep(0.2)
        check(os.path.exists(out), "s saved no SVG: %r"
              % os.listdir(self.downloads))
        check(svg.startswith(b"<svg") and b"cluster_user" in svg,
              "the saved file is not the graph's SVG (%d bytes: %r...)"
              % (len(svg), svg[:80]))

    def test_screenshot(self):
        d = self.d
        d.find_element("tag name", "body").send_keys("1")
        js(d, "window.graphns.select(arguments[0])",
           "user-%d" % self.hostile.img_user)
        os.makedirs(self.args.out, exist_ok=True)
        shot = os.path.join(self.args.out, "graphns-web.png")
        check(d.save_screenshot(shot), "no screenshot")
        print("# screenshot: %s" % shot)
        no_alert(d)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--graphns", required=True)
    ap.add_argument("--zoo", default="")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    why = browser_missing()
    if why:
        print("1..0 # SKIP %s" % why)
        return 0
    zoo, status = start_for_tap(args.zoo)
    if zoo is None:
        return status
    tmp = tempfile.mkdtemp(prefix="test-web-page.")
    hostile = page = None
    try:
        hostile = Hostile()
        page = Page(args, zoo, hostile, tmp)
        for name in ("file", "no_script_ran", "every_zoo_namespace",
                     "search_pid", "click_details", "zoom_pan", "group",
                     "owner_arrows", "save", "screenshot", "no_script_ran"):
            run_test(name.replace("_", " "), getattr(page, "test_" + name))
    finally:
        if page:
            page.close()
        if hostile:
            hostile.close()
        zoo.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    return plan()


if __name__ == "__main__":
    sys.exit(main())
