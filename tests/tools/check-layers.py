#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The layers of tools/common, as TAP.

Every .c file of tools/common has a header of the same name and every
header a .c file; each header says "Layer N of tools/common" at its top. A
file may include its own header and those of lower layers, and of the
headers outside tools/common only nsrel.h, config.h and the generated
unicode-unsafe.h. So no file needs one above it, and there is no loop.

Usage: check-layers.py DIR     check DIR (tools/common)
       check-layers.py --self-test DIR
                               also check that copies of DIR with a file
                               including a higher or an equal layer, a
                               header without a layer, or a .c file
                               without a header each fail
"""
import os
import re
import shutil
import sys
import tempfile

OUTSIDE = {'nsrel.h', 'config.h', 'unicode-unsafe.h'}
LAYER = re.compile(r'\A(?:.*\n){0,3}?\s*\*\s*Layer (\d+) of tools/common\b')
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def problems(d):
    """What breaks the rules in directory d, one line each."""
    names = sorted(os.listdir(d))
    stems_c = {n[:-2] for n in names if n.endswith('.c')}
    stems_h = {n[:-2] for n in names if n.endswith('.h')}
    out = []
    for s in sorted(stems_c - stems_h):
        out.append(f'{s}.c has no header {s}.h')
    for s in sorted(stems_h - stems_c):
        out.append(f'{s}.h has no {s}.c')
    layer = {}
    for s in sorted(stems_h):
        with open(os.path.join(d, s + '.h'), encoding='utf-8') as f:
            m = LAYER.search(f.read())
        if m:
            layer[s + '.h'] = int(m.group(1))
        else:
            out.append(f'{s}.h does not say "Layer N of tools/common" '
                       'at its top')
    for n in names:
        if not n.endswith(('.c', '.h')):
            continue
        own = n[:-2] + '.h'
        mine = layer.get(own)
        with open(os.path.join(d, n), encoding='utf-8') as f:
            text = f.read()
        for inc in INCLUDE.findall(text):
            if inc == own or inc in OUTSIDE:
                continue
            if inc not in layer:
                if inc not in names:  # else: said above, it has no layer
                    out.append(f'{n} includes "{inc}", which is neither a '
                               'header of tools/common nor one of ' +
                               ', '.join(sorted(OUTSIDE)))
                continue
            if mine is not None and layer[inc] >= mine:
                out.append(f'{n} (layer {mine}) includes {inc} (layer '
                           f'{layer[inc]}): only lower layers may be used')
    return out


def report(ok, n, what, lines):
    print(('ok' if ok else 'not ok') + f' {n} - {what}')
    for line in lines:
        print('#   ' + line)


def violated(d, edit, want):
    """A copy of d, changed by edit(copy), has a problem matching want."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = os.path.join(tmp, 'common')
        shutil.copytree(d, copy)
        edit(copy)
        found = problems(copy)
    return any(re.search(want, p) for p in found), found


def prepend_include(name, header):
    def edit(copy):
        path = os.path.join(copy, name)
        with open(path, encoding='utf-8') as f:
            text = f.read()
        i = text.index('#include "')
        with open(path, 'w', encoding='utf-8') as f:
            f.write(text[:i] + f'#include "{header}"\n' + text[i:])
    return edit


def main(argv):
    self_test = argv[1:2] == ['--self-test']
    d = argv[2] if self_test else argv[1]
    found = problems(d)
    cases = []
    if self_test:
        def no_layer(copy):
            path = os.path.join(copy, 'buf.h')
            with open(path, encoding='utf-8') as f:
                text = f.read()
            with open(path, 'w', encoding='utf-8') as f:
                f.write(text.replace('Layer 1 of', 'Part of'))

        def stray_c(copy):
            with open(os.path.join(copy, 'stray.c'), 'w') as f:
                f.write('#include "buf.h"\n')

        cases = [
            ('the bottom including the top fails',
             prepend_include('buf.c', 'cli.h'),
             r'^buf\.c \(layer 1\) includes cli\.h'),
            ('a header including a higher one fails',
             prepend_include('escape.h', 'json.h'),
             r'^escape\.h \(layer 2\) includes json\.h'),
            ('a loop within one layer fails',
             prepend_include('json.c', 'color.h'),
             r'^json\.c \(layer 3\) includes color\.h \(layer 3\)'),
            ('a header of all fails',
             prepend_include('label.c', 'common.h'),
             r'^label\.c includes "common\.h"'),
            ('a header without a layer fails', no_layer,
             r'^buf\.h does not say'),
            ('a .c file without a header fails', stray_c,
             r'^stray\.c has no header'),
        ]
    print(f'1..{1 + len(cases)}')
    failed = bool(found)
    report(not found, 1, f'{d}: every file uses only lower layers', found)
    for i, (what, edit, want) in enumerate(cases, 2):
        ok, lines = violated(d, edit, want)
        report(ok, i, what, [] if ok else ['found only:'] + lines)
        failed = failed or not ok
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
