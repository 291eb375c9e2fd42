#!/usr/bin/env python3
"""Lists every unwrap, expect, index, slice and `let _ =` outside test modules, for the
review in docs/PANIC-AUDIT.md. A test module is everything from `#[cfg(test)]` on."""
import glob
import re

PATTERN = re.compile(r'let _ =|\.unwrap\(\)|\.expect\(|\[[^\]\[]*\.\.[^\]\[]*\]|\w\[[a-z_0-9. +\-*()]+\]')
TYPES = re.compile(r'#\[|\[u8; |: \[|\[f64; |-> \[')

files = glob.glob('src/**/*.rs', recursive=True) + glob.glob('crates/*/src/**/*.rs', recursive=True)
for path in sorted(f for f in files if not f.endswith('tests.rs')):
    for number, line in enumerate(open(path, encoding='utf-8').read().split('\n'), 1):
        text = line.strip()
        if text.startswith('#[cfg(test)]'):
            break
        if not text.startswith('//') and PATTERN.search(line) and not TYPES.search(line):
            print(f'{path}:{number}: {text}')
