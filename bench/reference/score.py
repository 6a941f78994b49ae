#!/usr/bin/python3
"""Scores any producer's embeddings CSV against a phantom's ground_truth.tsv on held-out subjects.

  score.py EMBEDDINGS.csv GROUND_TRUTH.tsv [--subjects 01,02 | FILE]

Over every ordered visit pair (i < j by age) of each scored subject: Pearson r of
Δtau_proj with the true Δatrophy over all pairs, and within each diagnosis group r(Δtau_proj, Δage),
r(Δtau_proj, Δatrophy) and the ceiling r(Δatrophy, Δage) (what a perfect atrophy reader would
reach against age). Without a tau_proj column only the ceiling and counts are reported.
Prints one JSON object.
"""
import argparse
import csv
import json
import os
import sys

import numpy as np
from scipy import stats


def bare(label, prefix):
    return label[len(prefix):] if label.startswith(prefix) else label


def read_rows(path, delimiter):
    with open(path, newline='') as f:
        return list(csv.DictReader(f, delimiter=delimiter))


def subject_list(text):
    if not text:
        return None
    if os.path.isfile(text):
        with open(text) as f:
            return {bare(line.strip(), 'sub-') for line in f if line.strip()}
    return {bare(t.strip(), 'sub-') for t in text.split(',') if t.strip()}


def pearson(x, y):
    """Pearson r, or None when fewer than 3 pairs or either side is constant."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    if len(x) < 3 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return None
    return float(stats.pearsonr(x, y)[0])


def visit_pairs(embeddings, truth, subjects):
    """Ordered pairs of one subject's visits: (diagnosis, Δtau_proj or None, Δatrophy, Δage)."""
    by_subject = {}
    for row in embeddings:
        subject, session = bare(row['subject'], 'sub-'), bare(row['session'], 'ses-')
        if subjects is not None and subject not in subjects:
            continue
        key = (subject, session)
        if key not in truth:
            sys.exit(f'score: {subject}/{session} is not in the ground truth')
        tau = float(row['tau_proj']) if 'tau_proj' in row else None
        by_subject.setdefault(subject, []).append((truth[key], tau))
    if subjects is not None and subjects - set(by_subject):
        sys.exit(f'score: subjects without embeddings: {sorted(subjects - set(by_subject))}')
    pairs = []
    for visits in by_subject.values():
        visits.sort(key=lambda v: v[0]['age'])
        for i in range(len(visits)):
            for j in range(i + 1, len(visits)):
                (a, ta), (b, tb) = visits[i], visits[j]
                d_tau = None if ta is None else tb - ta
                pairs.append((a['diagnosis'], d_tau, b['atrophy'] - a['atrophy'], b['age'] - a['age']))
    return pairs, len(by_subject)


def score(pairs, n_subjects):
    has_tau = all(p[1] is not None for p in pairs)
    groups = sorted({p[0] for p in pairs})
    out = {'subjects': n_subjects, 'pairs': len(pairs), 'has_tau_proj': has_tau,
           'ceiling_r_delta_atrophy_delta_age_by_group': {}}
    column = lambda ps, k: [p[k] for p in ps]
    if has_tau:
        out['r_delta_tau_delta_atrophy'] = pearson(column(pairs, 1), column(pairs, 2))
        out['r_delta_tau_delta_age'] = pearson(column(pairs, 1), column(pairs, 3))
        out['r_delta_tau_delta_age_by_group'] = {}
        out['r_delta_tau_delta_atrophy_by_group'] = {}
        out['mean_delta_tau_per_year_by_group'] = {}
    for g in groups:
        ps = [p for p in pairs if p[0] == g]
        out['ceiling_r_delta_atrophy_delta_age_by_group'][g] = pearson(column(ps, 2), column(ps, 3))
        if has_tau:
            out['r_delta_tau_delta_age_by_group'][g] = pearson(column(ps, 1), column(ps, 3))
            out['r_delta_tau_delta_atrophy_by_group'][g] = pearson(column(ps, 1), column(ps, 2))
            out['mean_delta_tau_per_year_by_group'][g] = float(np.mean([p[1] / p[3] for p in ps]))
    return out


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('embeddings')
    p.add_argument('ground_truth')
    p.add_argument('--subjects', help='held-out subjects to score (comma list or file; default: every subject of the CSV)')
    args = p.parse_args(argv)
    truth = {}
    for row in read_rows(args.ground_truth, '\t'):
        truth[(bare(row['participant_id'], 'sub-'), bare(row['session_id'], 'ses-'))] = {
            'age': float(row['age']), 'atrophy': float(row['atrophy']), 'diagnosis': row['diagnosis']}
    pairs, n_subjects = visit_pairs(read_rows(args.embeddings, ','), truth, subject_list(args.subjects))
    print(json.dumps(score(pairs, n_subjects)))


if __name__ == '__main__':
    main(sys.argv[1:])
