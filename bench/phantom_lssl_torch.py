"""The PyTorch reference of `lssl bench phantom --torch`: the same LSSL network, loss and
optimiser (torch.nn's default init, AdamW), trained on the very volumes and pairs lssl trained
on, for a fixed number of epochs; prints tau_proj of every held-out scan as JSON.

Data folder (written by src/validate/phantom.ts): train.f32 / test.f32 hold float32 volumes
back to back, each [D, H, W] = lssl's x-fastest [nx, ny, nz]; data.json holds the shape, the
training pairs as (earlier, later) indices into train.f32 and the number of test scans.
"""
import argparse, json, sys, time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class LsslNet(nn.Module):
    """Encoder 4 × [conv 3³ → ReLU → max-pool 2], 1→16→32→64→16, dense latent; mirrored decoder."""

    def __init__(self, side, latent, activation):
        super().__init__()
        ch, dch = [1, 16, 32, 64, 16], [16, 64, 32, 16, 16]
        self.side, self.activation = side // 16, activation
        self.enc = nn.ModuleList([nn.Conv3d(ch[i], ch[i + 1], 3, padding=1) for i in range(4)])
        features = 16 * self.side ** 3
        self.latent = nn.Linear(features, latent)
        self.unlatent = nn.Linear(latent, features)
        self.dec = nn.ModuleList([nn.Conv3d(dch[i], dch[i + 1], 3, padding=1) for i in range(4)])
        self.out = nn.Conv3d(16, 1, 3, padding=1)
        self.tau = nn.Parameter(torch.randn(latent))

    def encode(self, x):
        for conv in self.enc:
            x = F.max_pool3d(F.relu(conv(x)), 2)
        a = self.latent(x.flatten(1))
        return torch.tanh(a) if self.activation == 'tanh' else a

    def decode(self, z):
        h = F.relu(self.unlatent(z)).view(z.shape[0], 16, self.side, self.side, self.side)
        for conv in self.dec:
            h = F.interpolate(F.relu(conv(h)), scale_factor=2, mode='nearest')
        return self.out(h)


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--data', required=True)
    p.add_argument('--epochs', type=int, default=15)
    p.add_argument('--batch', type=int, default=8)
    p.add_argument('--lr', type=float, default=1e-3)
    p.add_argument('--weight-decay', type=float, default=1e-5)
    p.add_argument('--latent', type=int, default=512)
    p.add_argument('--latent-activation', default='tanh', choices=['tanh', 'linear'])
    p.add_argument('--lambda-recon', type=float, default=1.0)
    p.add_argument('--lambda-dir', type=float, default=1.0)
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--threads', type=int, default=1)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    meta = json.load(open(f'{a.data}/data.json'))
    s = meta['shape']
    train = torch.from_numpy(np.fromfile(f'{a.data}/train.f32', dtype=np.float32).reshape(-1, 1, s, s, s))
    test = torch.from_numpy(np.fromfile(f'{a.data}/test.f32', dtype=np.float32).reshape(-1, 1, s, s, s))
    earlier = torch.tensor([e for e, _ in meta['pairs']])
    later = torch.tensor([l for _, l in meta['pairs']])
    net = LsslNet(s, a.latent, a.latent_activation)
    opt = torch.optim.AdamW(net.parameters(), lr=a.lr, weight_decay=a.weight_decay)
    started = time.time()
    for epoch in range(a.epochs):
        order = torch.randperm(len(earlier))
        for k in range(0, len(order), a.batch):
            idx = order[k:k + a.batch]
            xs, xt = train[earlier[idx]], train[later[idx]]
            zs, zt = net.encode(xs), net.encode(xt)
            recon = F.mse_loss(net.decode(zs), xs) + F.mse_loss(net.decode(zt), xt)
            direction = 1 - F.cosine_similarity(zt - zs, net.tau.unsqueeze(0), dim=1).mean()
            opt.zero_grad()
            (a.lambda_recon * recon + a.lambda_dir * direction).backward()
            opt.step()
        print(f'torch epoch {epoch + 1}/{a.epochs} recon {recon.item():.3f} direction {direction.item():.3f}', file=sys.stderr, flush=True)
    seconds = time.time() - started
    with torch.no_grad():
        tau_proj = (net.encode(test) @ (net.tau / net.tau.norm())).tolist()
    json.dump({'tau_proj': tau_proj, 'seconds_per_epoch': seconds / max(a.epochs, 1), 'torch': torch.__version__, 'threads': a.threads}, sys.stdout)


if __name__ == '__main__':
    main()
