#!/usr/bin/env python3
"""Checks that every relative link [text](path#anchor) in README.md, SECURITY.md and docs/*.md points at
a file that exists and, with an anchor, at one of its headings (GitHub's anchor rules). Not part of
.ci/run; run it by hand after editing the docs: python3 .ci/check-doc-links.py"""
import glob, os, re, sys

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
os.chdir(root)
FENCE = re.compile(r'^(```|~~~)')
LINK = re.compile(r'(?<!\!)\[(?:[^\]\\]|\\.)*\]\(([^)\s]+)(?:\s+"[^"]*")?\)')

def prose(path):
    """The file's lines outside code fences, with inline code spans removed."""
    fenced = False
    for n, line in enumerate(open(path, encoding='utf-8'), 1):
        if FENCE.match(line.lstrip()):
            fenced = not fenced
            continue
        if not fenced:
            yield n, re.sub(r'(`+)(?:(?!\1).)+\1', '', line)

def anchors(path):
    """GitHub's anchors of the file's headings: lower case, punctuation dropped (inline code text and
    link text kept), spaces to hyphens, a repeated heading numbered -1, -2..."""
    seen, out, fenced = {}, set(), False
    for line in open(path, encoding='utf-8'):
        if FENCE.match(line.lstrip()):
            fenced = not fenced
            continue
        m = None if fenced else re.match(r'^#{1,6}\s+(.*?)\s*$', line)
        if not m:
            continue
        text = re.sub(r'\[([^\]]*)\]\([^)]*\)', r'\1', m.group(1))
        slug = re.sub(r'[^\w\- ]', '', text.lower()).replace(' ', '-')
        k = seen.get(slug, 0)
        seen[slug] = k + 1
        out.add(slug if k == 0 else f'{slug}-{k}')
    return out

files = ['README.md', 'SECURITY.md'] + sorted(glob.glob('docs/*.md'))
problems, checked = [], 0
for f in files:
    for n, line in prose(f):
        for target in LINK.findall(line):
            if re.match(r'^[a-z][a-z0-9+.-]*:', target):
                continue  # http:, https:, mailto:
            checked += 1
            path, _, anchor = target.partition('#')
            dest = os.path.normpath(os.path.join(os.path.dirname(f), path)) if path else f
            if not os.path.exists(dest):
                problems.append(f'{f}:{n}: {target}: no file {dest}')
            elif anchor and (os.path.isdir(dest) or anchor not in anchors(dest)):
                problems.append(f'{f}:{n}: {target}: no heading #{anchor} in {dest}')
print('\n'.join(problems) or f'{checked} relative links in {len(files)} files: all resolve')
sys.exit(1 if problems else 0)
