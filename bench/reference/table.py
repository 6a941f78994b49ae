#!/usr/bin/python3
"""Summarises measure.sh runs as a markdown table (one row per method/variant and seed, then the mean).

  table.py EXP_DIR/runs

Columns: r(Δtau_proj, Δatrophy) on unseen subjects, within-group r(Δtau_proj, Δage) for CN / MCI / AD,
Δz balanced accuracy of diagnosis from lssl's probe (CN/MCI/AD, and CN vs AD
where measure.sh wrote it), the final cosine and reconstruction terms,
and seconds per epoch.
"""
import glob
import json
import os
import re
import sys

import numpy as np


def load(path):
    with open(path) as f:
        return json.load(f)


def fmt(v, digits=3):
    return 'n/a' if v is None else f'{v:.{digits}f}'


def main(folder):
    rows = {}
    for summary_path in sorted(glob.glob(os.path.join(folder, '*.json'))):
        m = re.match(r'(.+?)(?:-s(\d+))?\.json$', os.path.basename(summary_path))
        if summary_path.endswith(('.score.json', '.probe.json')) or not os.path.exists(summary_path.replace('.json', '.probe.json')):
            continue
        variant, seed = m.group(1), int(m.group(2)) if m.group(2) else 0
        summary, score = load(summary_path), load(summary_path.replace('.json', '.score.json'))
        probe = load(summary_path.replace('.json', '.probe.json'))
        binary_path = summary_path.replace('.json', '.probe-cn-ad.json')
        binary = load(binary_path)['balanced_accuracy'] if os.path.exists(binary_path) else None
        last = summary['epochs'][-1]
        by_group = score.get('r_delta_tau_delta_age_by_group', {})
        rows.setdefault(variant, []).append({
            'seed': seed, 'r_atrophy': score.get('r_delta_tau_delta_atrophy'),
            'CN': by_group.get('CN'), 'MCI': by_group.get('MCI'), 'AD': by_group.get('AD'),
            'bacc': probe['balanced_accuracy'], 'bacc2': binary, 'cos': last.get('cos'), 'recon': last['recon'],
            'sec': summary['seconds_per_epoch'], 'pairs': score['pairs']})
    keys = ['r_atrophy', 'CN', 'MCI', 'AD', 'bacc', 'bacc2', 'cos', 'recon', 'sec']
    print('| run | seed | r(Δτ, Δatrophy) | r(Δτ, Δage) CN / MCI / AD | Δz bal. acc. CN/MCI/AD | Δz bal. acc. CN vs AD | final cos | final recon | s/epoch |')
    print('|---|---|---|---|---|---|---|---|---|')
    for variant, runs in rows.items():
        runs.sort(key=lambda r: r['seed'])
        for r in runs + [mean_row(runs, keys)]:
            print(f"| {variant} | {r['seed']} | {fmt(r['r_atrophy'])} | {fmt(r['CN'], 2)} / {fmt(r['MCI'], 2)} / {fmt(r['AD'], 2)} "
                  f"| {fmt(r['bacc'])} | {fmt(r['bacc2'])} | {fmt(r['cos'])} | {fmt(r['recon'])} | {fmt(r['sec'], 1)} |")


def mean_row(runs, keys):
    out = {'seed': 'mean'}
    for k in keys:
        values = [r[k] for r in runs if r[k] is not None]
        out[k] = float(np.mean(values)) if values else None
    return out


if __name__ == '__main__':
    main(sys.argv[1])
