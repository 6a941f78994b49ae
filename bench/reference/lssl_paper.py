#!/usr/bin/python3
"""An independent PyTorch reference of LSSL, written from the paper, not from lssl's code.

Zhao Q, Liu Z, Adeli E, Pohl KM. Longitudinal self-supervised learning. Medical Image
Analysis 71:102051, 2021. The facts it takes from elsewhere are marked where they are used:
[paper] the MedIA paper, [authors] the authors' public code (dense tanh latent),
[LNE] the re-implementation of Ouyang et al., MICCAI 2021 (flat latent, whole-volume
z-score, Adam 1e-4 / weight decay 1e-5, batch 64 pairs, 50 epochs, LR x0.1 on plateau,
best checkpoint on validation). See docs/reference.md.

  lssl_paper.py --cohort TRAIN_BIDS [--train-subjects 01,02 | FILE] --embed TEST_BIDS \
      --out embeddings.csv --method lssl|ae|vae [--latent flat|dense] [--preset paper] ...

Reads a BIDS folder as `lssl simulate` writes it, trains on the training subjects, embeds
every scan of the --embed folder (default: the training folder), writes an embeddings CSV
in lssl's format (subject, session, age, covariates, z0..z{L-1}[, tau_proj]) and prints a
JSON summary (per-epoch losses and parts, seconds per epoch, torch version, threads, tau).
"""
import argparse
import csv
import glob
import json
import math
import os
import sys
import time

import nibabel as nib
import numpy as np
import scipy.ndimage
import torch
import torch.nn as nn
import torch.nn.functional as F

CHANNELS = (16, 32, 64, 16)  # [paper] encoder channels 1->16->32->64->16


# ---------------------------------------------------------------- cohort
def read_tsv(path):
    with open(path, newline='') as f:
        return list(csv.DictReader(f, delimiter='\t'))


def bare(label, prefix):
    """'sub-01' -> '01' (lssl's embeddings use bare BIDS labels)."""
    return label[len(prefix):] if label.startswith(prefix) else label


def parse_subject_list(text):
    """A comma-separated list or a file with one label a line; None = every subject."""
    if not text:
        return None
    if os.path.isfile(text):
        with open(text) as f:
            items = [line.strip() for line in f if line.strip()]
    else:
        items = [t.strip() for t in text.split(',') if t.strip()]
    return {bare(t, 'sub-') for t in items}


def find_t1w(anat_dir):
    found = sorted(glob.glob(os.path.join(anat_dir, '*_T1w.nii.gz')) + glob.glob(os.path.join(anat_dir, '*_T1w.nii')))
    return found[0] if found else None


def read_cohort(folder, subjects=None):
    """Scans of a BIDS folder: list of dicts (subject, session, age, covariates, path), subjects
    by label, visits by age. `subjects` (set of bare labels) restricts the list."""
    participants = {bare(r['participant_id'], 'sub-'): r for r in read_tsv(os.path.join(folder, 'participants.tsv'))}
    scans = []
    for subject in sorted(participants):
        if subjects is not None and subject not in subjects:
            continue
        covariates = {k: v for k, v in participants[subject].items() if k != 'participant_id'}
        sessions_file = os.path.join(folder, f'sub-{subject}', f'sub-{subject}_sessions.tsv')
        visits = []
        for row in read_tsv(sessions_file):
            session = bare(row['session_id'], 'ses-')
            path = find_t1w(os.path.join(folder, f'sub-{subject}', f'ses-{session}', 'anat'))
            if path is None:
                continue
            extra = {k: v for k, v in row.items() if k not in ('session_id', 'age')}
            visits.append({'subject': subject, 'session': session, 'age': float(row['age']),
                           'covariates': {**covariates, **extra}, 'path': path})
        scans.extend(sorted(visits, key=lambda v: v['age']))
    if subjects is not None:
        missing = subjects - {s['subject'] for s in scans}
        if missing:
            sys.exit(f'lssl_paper: subjects not in {folder}: {sorted(missing)}')
    if not scans:
        sys.exit(f'lssl_paper: no scans in {folder}')
    return scans


def load_volume(path, shape):
    """RAS+ (closest canonical), trilinear resample of the array to shape^3, z-score over the
    WHOLE volume, background included ([LNE] preprocessing: (img - mean) / std)."""
    image = nib.as_closest_canonical(nib.load(path))
    data = np.asarray(image.get_fdata(dtype=np.float32))
    if data.ndim == 4:
        data = data[..., 0]
    zoom = [shape / n for n in data.shape]
    data = scipy.ndimage.zoom(data, zoom, order=1, mode='nearest', grid_mode=True)
    data = data[:shape, :shape, :shape]
    sd = float(data.std())
    return ((data - data.mean()) / (sd if sd > 0 else 1.0)).astype(np.float32)


def ordered_pairs(scans):
    """[paper] every ordered pair (earlier, later) of one subject's visits, i < j by age."""
    by_subject = {}
    for index, scan in enumerate(scans):
        by_subject.setdefault(scan['subject'], []).append(index)
    pairs = []
    for indices in by_subject.values():
        for a in range(len(indices)):
            for b in range(a + 1, len(indices)):
                pairs.append((indices[a], indices[b]))
    return pairs


# ---------------------------------------------------------------- network
def conv_block(c_in, c_out, norm):
    layers = [nn.Conv3d(c_in, c_out, 3, padding=1)]
    if norm == 'batch':
        layers.append(nn.BatchNorm3d(c_out))
    layers.append(nn.ReLU() if norm == 'none' else nn.LeakyReLU(0.2))
    return layers


class Encoder(nn.Module):
    """[paper] 4 x [Conv3d k3 pad1 -> ReLU -> MaxPool 2]; x: [B,1,S,S,S] -> features [B,16,S/16,S/16,S/16].
    With `variance_channels` > 0 (flat VAE) the last conv has that many more channels, which skip the
    activation (log σ² must be free to go below 0): -> [B,16+variance_channels,S/16,S/16,S/16]."""

    def __init__(self, norm, variance_channels=0):
        super().__init__()
        layers, c_in = [], 1
        for c in CHANNELS[:-1]:
            layers += conv_block(c_in, c, norm) + [nn.MaxPool3d(2)]
            c_in = c
        self.net = nn.Sequential(*layers)
        last = conv_block(c_in, CHANNELS[-1] + variance_channels, norm)
        self.last_conv, self.last_activation = nn.Sequential(*last[:-1]), last[-1]
        self.pool = nn.MaxPool3d(2)

    def forward(self, x):
        h = self.last_conv(self.net(x))
        k = CHANNELS[-1]
        h = torch.cat([self.last_activation(h[:, :k]), h[:, k:]], 1) if h.shape[1] > k else self.last_activation(h)
        return self.pool(h)


class Decoder(nn.Module):
    """[paper] mirror of the encoder: conv blocks 16->64->32->16->16 each followed by x2
    upsampling, then a conv to 1 channel, no output activation. [B,16,s,s,s] -> [B,1,16s,16s,16s]."""

    def __init__(self, norm):
        super().__init__()
        layers, c_in = [], CHANNELS[-1]
        for c_out in (64, 32, 16, 16):
            layers += conv_block(c_in, c_out, norm) + [nn.Upsample(scale_factor=2, mode='trilinear', align_corners=False)]
            c_in = c_out
        layers.append(nn.Conv3d(c_in, 1, 3, padding=1))
        self.net = nn.Sequential(*layers)

    def forward(self, h):
        return self.net(h)


class AutoEncoder(nn.Module):
    """latent 'flat': z = the flattened 16*(S/16)^3 conv features [LNE];
    latent 'dense': z = tanh(Linear(F -> dense_size)) and the decoder starts from Linear(dense_size -> F) [authors].
    variational: the encoder also gives log sigma^2 (flat: 16 more conv channels; dense: a second Linear)."""

    def __init__(self, shape, latent, dense_size, norm, variational):
        super().__init__()
        self.grid = shape // 16
        self.features = CHANNELS[-1] * self.grid ** 3
        self.latent, self.variational = latent, variational
        self.encoder = Encoder(norm, CHANNELS[-1] if (variational and latent == 'flat') else 0)
        self.decoder = Decoder(norm)
        if latent == 'dense':
            self.to_latent = nn.Linear(self.features, dense_size)
            self.to_logvar = nn.Linear(self.features, dense_size) if variational else None
            self.from_latent = nn.Linear(dense_size, self.features)
        self.latent_size = dense_size if latent == 'dense' else self.features

    def encode(self, x):
        """x [B,1,S,S,S] -> (mu [B,L], logvar [B,L] or None)"""
        h = self.encoder(x)
        if self.latent == 'flat':
            if self.variational:
                mu, logvar = h[:, :CHANNELS[-1]], h[:, CHANNELS[-1]:]
                return mu.flatten(1), logvar.flatten(1)
            return h.flatten(1), None
        h = h.flatten(1)
        if self.variational:
            return self.to_latent(h), self.to_logvar(h)
        return torch.tanh(self.to_latent(h)), None

    def decode(self, z):
        """z [B,L] -> x_hat [B,1,S,S,S]"""
        if self.latent == 'dense':
            z = self.from_latent(z)
        g = self.grid
        return self.decoder(z.view(-1, CHANNELS[-1], g, g, g))


# ---------------------------------------------------------------- training
def lssl_loss(model, tau, x_s, x_t, lam):
    """[paper] MSE(x_s, x̂_s) + MSE(x_t, x̂_t) + λ (1 − cos(z_t − z_s, τ)), averaged over pairs."""
    z_s, _ = model.encode(x_s)
    z_t, _ = model.encode(x_t)
    recon = F.mse_loss(model.decode(z_s), x_s) + F.mse_loss(model.decode(z_t), x_t)
    cos = F.cosine_similarity(z_t - z_s, tau.unsqueeze(0).expand_as(z_s), dim=1, eps=1e-8)
    direction = (1 - cos).mean()
    return recon + lam * direction, {'recon': recon.item(), 'cos': direction.item()}


def ae_loss(model, x, kl_weight):
    """AE: MSE(x, x̂); VAE: + kl_weight · KL(q(z|x) ‖ N(0, I)) (mean over batch of the sum over z)."""
    mu, logvar = model.encode(x)
    if logvar is None:
        recon = F.mse_loss(model.decode(mu), x)
        return recon, {'recon': recon.item()}
    z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
    recon = F.mse_loss(model.decode(z), x)
    kl = (-0.5 * (1 + logvar - mu.pow(2) - logvar.exp()).sum(1)).mean()
    return recon + kl_weight * kl, {'recon': recon.item(), 'kl': kl.item()}


def items_of(method, scans):
    return ordered_pairs(scans) if method == 'lssl' else [(i,) for i in range(len(scans))]


def batch_loss(args, model, tau, volumes, batch):
    xs = [torch.from_numpy(np.stack([volumes[item[k]] for item in batch]))[:, None] for k in range(len(batch[0]))]
    if args.method == 'lssl':
        return lssl_loss(model, tau, xs[0], xs[1], args.lam)
    return ae_loss(model, xs[0], args.kl_weight if args.method == 'vae' else 0)


def validation_loss(args, model, tau, volumes, items):
    model.eval()
    total, n = 0.0, 0
    with torch.no_grad():
        for start in range(0, len(items), args.batch):
            batch = items[start:start + args.batch]
            loss, _ = batch_loss(args, model, tau, volumes, batch)
            total += loss.item() * len(batch)
            n += len(batch)
    model.train()
    return total / max(n, 1)


def train(args, model, tau, volumes, items, val_volumes, val_items):
    params = list(model.parameters()) + ([tau] if tau is not None else [])
    optimiser = torch.optim.Adam(params, lr=args.lr, weight_decay=args.weight_decay)
    plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(optimiser, factor=0.1, patience=args.plateau_patience) if val_items else None
    order_rng = torch.Generator().manual_seed(args.seed)
    epochs, best = [], (math.inf, None, -1)
    model.train()
    for epoch in range(args.epochs):
        start = time.perf_counter()
        order = torch.randperm(len(items), generator=order_rng).tolist()
        sums, n = {}, 0
        for b in range(0, len(order), args.batch):
            batch = [items[i] for i in order[b:b + args.batch]]
            loss, parts = batch_loss(args, model, tau, volumes, batch)
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            for key, value in [('loss', loss.item()), *parts.items()]:
                sums[key] = sums.get(key, 0.0) + value * len(batch)
            n += len(batch)
        record = {'epoch': epoch + 1, **{k: v / n for k, v in sums.items()}, 'lr': optimiser.param_groups[0]['lr']}
        if val_items:
            record['val_loss'] = validation_loss(args, model, tau, val_volumes, val_items)
            plateau.step(record['val_loss'])
            if record['val_loss'] < best[0]:
                best = (record['val_loss'], snapshot(model, tau), epoch + 1)
        record['seconds'] = time.perf_counter() - start
        epochs.append(record)
        print(json.dumps(record), file=sys.stderr, flush=True)
    if best[1] is not None:  # [LNE] keep the checkpoint with the best validation loss
        restore(model, tau, best[1])
    return epochs, best[2]


def snapshot(model, tau):
    return ({k: v.detach().clone() for k, v in model.state_dict().items()}, None if tau is None else tau.detach().clone())


def restore(model, tau, state):
    model.load_state_dict(state[0])
    if tau is not None:
        with torch.no_grad():
            tau.copy_(state[1])


# ---------------------------------------------------------------- embedding
def embed(model, volumes, batch):
    """Encodes every volume; the mean mu for the VAE. Returns z [N, L] float64."""
    model.eval()
    out = []
    with torch.no_grad():
        for start in range(0, len(volumes), batch):
            x = torch.from_numpy(np.stack(volumes[start:start + batch]))[:, None]
            out.append(model.encode(x)[0].double().numpy())
    return np.concatenate(out, 0)


def write_embeddings(path, scans, z, tau):
    """lssl's embeddings CSV: subject, session, age, covariates, z0..z{L-1}[, tau_proj = z·τ/‖τ‖]."""
    covariates = []
    for s in scans:
        for key in s['covariates']:
            if key not in covariates:
                covariates.append(key)
    header = ['subject', 'session', 'age', *covariates, *[f'z{k}' for k in range(z.shape[1])]]
    unit = None
    if tau is not None:
        header.append('tau_proj')
        unit = tau / np.linalg.norm(tau)
    with open(path, 'w', newline='') as f:
        writer = csv.writer(f, lineterminator='\n')
        writer.writerow(header)
        for scan, zi in zip(scans, z):
            row = [scan['subject'], scan['session'], repr(scan['age']), *[scan['covariates'].get(c, 'n/a') or 'n/a' for c in covariates]]
            row += [repr(float(v)) for v in zi]
            if unit is not None:
                row.append(repr(float(zi @ unit)))
            writer.writerow(row)


# ---------------------------------------------------------------- command line
PRESETS = {
    # [paper]/[authors]: 64^3, 1024 conv features -> Linear 512 -> tanh, λ = 1;
    # [LNE]: Adam lr 1e-4, weight decay 1e-5, batch 64 pairs, 50 epochs, LR x0.1 on plateau (patience 5),
    # best checkpoint on validation subjects.
    'paper': {'shape': 64, 'latent': 'dense', 'dense_size': 512, 'lr': 1e-4, 'weight_decay': 1e-5, 'batch': 64,
              'epochs': 50, 'lam': 1.0, 'val_fraction': 0.1, 'plateau_patience': 5},
}
DEFAULTS = {'shape': 32, 'latent': 'flat', 'dense_size': 512, 'lr': 1e-3, 'weight_decay': 0.0, 'batch': 8,
            'epochs': 15, 'lam': 1.0, 'val_fraction': 0.0, 'plateau_patience': 5}


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--cohort', required=True, help='training BIDS folder')
    p.add_argument('--train-subjects', help='comma list or file of subject labels (default: all of --cohort)')
    p.add_argument('--val-subjects', help='validation subjects of --cohort (plateau LR and best checkpoint)')
    p.add_argument('--embed', help='BIDS folder to embed (default: --cohort)')
    p.add_argument('--embed-subjects', help='subjects of --embed to embed (default: all)')
    p.add_argument('--out', required=True, help='embeddings CSV to write')
    p.add_argument('--method', choices=['lssl', 'ae', 'vae'], default='lssl')
    p.add_argument('--preset', choices=sorted(PRESETS), help='the published setup (see docs/reference.md)')
    p.add_argument('--shape', type=int)
    p.add_argument('--latent', choices=['flat', 'dense'])
    p.add_argument('--dense-size', type=int)
    p.add_argument('--norm', choices=['none', 'batch'], default='none', help='batch: BatchNorm + LeakyReLU(0.2) as LNE')
    p.add_argument('--lr', type=float)
    p.add_argument('--weight-decay', type=float)
    p.add_argument('--batch', type=int, help='pairs (lssl) or scans (ae, vae) per step')
    p.add_argument('--epochs', type=int)
    p.add_argument('--lambda', dest='lam', type=float, help='weight of the cosine term')
    p.add_argument('--kl-weight', type=float, default=0.01, help='[paper] VAE KL weight')
    p.add_argument('--val-fraction', type=float, help='fraction of training subjects held out for validation')
    p.add_argument('--plateau-patience', type=int)
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--threads', type=int, default=1)
    args = p.parse_args(argv)
    settings = {**DEFAULTS, **(PRESETS[args.preset] if args.preset else {})}
    for key, value in settings.items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    if args.shape % 16:
        p.error('--shape must be a multiple of 16 (four 2x poolings)')
    return args


def split_validation(args, train_subjects):
    """Validation subjects: --val-subjects, else a seeded --val-fraction of the training subjects."""
    explicit = parse_subject_list(args.val_subjects)
    if explicit is not None:
        return train_subjects - explicit, explicit
    if args.val_fraction <= 0:
        return train_subjects, set()
    ordered = sorted(train_subjects)
    rng = np.random.default_rng(args.seed)
    n_val = max(1, int(round(args.val_fraction * len(ordered))))
    val = set(rng.permutation(ordered)[:n_val].tolist())
    return train_subjects - val, val


def main(argv):
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    t0 = time.perf_counter()
    all_train = {s['subject'] for s in read_cohort(args.cohort, parse_subject_list(args.train_subjects))}
    train_subjects, val_subjects = split_validation(args, all_train)
    scans = read_cohort(args.cohort, train_subjects)
    volumes = [load_volume(s['path'], args.shape) for s in scans]
    val_scans = read_cohort(args.cohort, val_subjects) if val_subjects else []
    val_volumes = [load_volume(s['path'], args.shape) for s in val_scans]
    items, val_items = items_of(args.method, scans), items_of(args.method, val_scans) if val_scans else []
    load_seconds = time.perf_counter() - t0

    model = AutoEncoder(args.shape, args.latent, args.dense_size, args.norm, args.method == 'vae')
    tau = nn.Parameter(torch.randn(model.latent_size)) if args.method == 'lssl' else None
    epochs, best_epoch = train(args, model, tau, volumes, items, val_volumes, val_items)

    embed_scans = read_cohort(args.embed or args.cohort, parse_subject_list(args.embed_subjects))
    z = embed(model, [load_volume(s['path'], args.shape) for s in embed_scans], max(args.batch, 8))
    tau_np = tau.detach().double().numpy() if tau is not None else None
    write_embeddings(args.out, embed_scans, z, tau_np)
    summary = {
        'method': args.method, 'preset': args.preset,
        'settings': {k: getattr(args, k) for k in ('shape', 'latent', 'dense_size', 'norm', 'lr', 'weight_decay', 'batch',
                                                   'epochs', 'lam', 'kl_weight', 'seed', 'threads', 'val_fraction')},
        'torch': torch.__version__, 'threads': torch.get_num_threads(),
        'train_subjects': sorted(train_subjects), 'val_subjects': sorted(val_subjects),
        'train_items': len(items), 'latent_size': model.latent_size,
        'parameters': sum(p.numel() for p in model.parameters()) + (tau.numel() if tau is not None else 0),
        'load_seconds': load_seconds,
        'seconds_per_epoch': float(np.mean([e['seconds'] for e in epochs])) if epochs else 0.0,
        'best_epoch': best_epoch if val_items else None,
        'epochs': epochs, 'embedded_scans': len(embed_scans), 'out': args.out,
        'tau': tau_np.tolist() if tau_np is not None else None,
    }
    print(json.dumps(summary))


if __name__ == '__main__':
    main(sys.argv[1:])
