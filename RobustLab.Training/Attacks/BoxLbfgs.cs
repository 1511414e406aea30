using static TorchSharp.torch;

namespace RobustLab.Training.Attacks;

/// <summary>
/// Projected L-BFGS for a batch of independent problems min f_i(z_i) subject to 0 &lt;= z_i &lt;= 1: the two-loop
/// recursion on the projected gradient (components held at a bound drop out), a projected Armijo backtracking line
/// search, and curvature pairs kept only where s.y &gt; 0. Written here because the attack must run batched on the
/// model's device, which no L-BFGS-B library for .NET does; every image keeps its own history and step size.
/// </summary>
internal static class BoxLbfgs
{
    const int MaxHalvings = 8;
    const double RelativeTolerance = 1e-6;

    /// <summary>objective(z) returns f [B] and df/dz (same shape as z).</summary>
    public delegate (Tensor Value, Tensor Gradient) Objective(Tensor z);

    public static Tensor Minimize(Objective objective, Tensor start, int iterations, int history, CancellationToken ct)
    {
        long n = start.shape[0];
        var z = start.clamp(0, 1);
        var (f, g) = objective(z);
        var pairs = new List<(Tensor S, Tensor Y, Tensor Rho)>();
        // Images whose projected gradient vanished or whose line search found no decrease stop moving; the solve
        // ends when all have, so converged images do not cost line-search evaluations.
        var converged = zeros(n, ScalarType.Bool, z.device);
        // Each image starts its line search at twice its last accepted step (at most 1): the batch then waits for few
        // halvings even when one image's quasi-Newton steps are badly scaled.
        var firstStep = ones(n, device: z.device);
        try
        {
            for (int it = 0; it < iterations; it++)
            {
                ct.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                var pg = Projected(z, g);
                var direction = -TwoLoop(pg, pairs);
                // Never step outwards through an active bound, and fall back to steepest descent if not a descent direction.
                direction = Projected(z, -direction).neg();
                var slope = Dot(direction, g);
                direction = where(InputGradient.PerImage(slope.ge(0), z), -pg, direction);
                slope = Dot(direction, g);
                InputGradient.Replace(ref converged, converged.logical_or(slope.ge(-1e-12)));
                if (converged.all().item<bool>()) break;

                var t = firstStep.clone();
                Tensor zNew = z, fNew = f, gNew = g;
                var accepted = converged.clone();
                for (int ls = 0; ls < MaxHalvings; ls++)
                {
                    var trial = (z + InputGradient.PerImage(t, z) * direction).clamp(0, 1);
                    var (ft, gt) = objective(trial);
                    var ok = ft.le(f + 1e-4 * Dot(trial - z, g)).logical_and(ft.lt(f)).logical_and(accepted.logical_not());
                    var okImage = InputGradient.PerImage(ok, z);
                    zNew = where(okImage, trial, zNew);
                    fNew = where(ok, ft, fNew);
                    gNew = where(okImage, gt, gNew);
                    accepted = accepted.logical_or(ok);
                    if (accepted.all().item<bool>()) break;
                    t = where(accepted, t, t * 0.5);
                }
                InputGradient.Replace(ref firstStep, where(accepted, (t * 2).clamp_max(1), firstStep));
                // No decrease after every halving, or a relative decrease below what float32 resolves: this image is as
                // good as the search can tell (scipy's L-BFGS-B stops on a relative decrease too).
                var stalled = (f - fNew).le(RelativeTolerance * (f.abs() + 1e-3));
                InputGradient.Replace(ref converged, converged.logical_or(accepted.logical_not()).logical_or(stalled));
                var s = zNew - z;
                var y = gNew - g;
                var sy = Dot(s, y);
                // rho = 0 drops the pair for images where the curvature condition fails (or nothing moved).
                var rho = where(sy.gt(1e-10), 1 / sy.clamp_min(1e-10), zeros_like(sy));
                pairs.Add((s.MoveToOuterDisposeScope(), y.MoveToOuterDisposeScope(), rho.MoveToOuterDisposeScope()));
                if (pairs.Count > history)
                {
                    var (s0, y0, r0) = pairs[0];
                    s0.Dispose(); y0.Dispose(); r0.Dispose();
                    pairs.RemoveAt(0);
                }
                InputGradient.Replace(ref z, zNew);
                InputGradient.Replace(ref f, fNew);
                InputGradient.Replace(ref g, gNew);
            }
            return z;
        }
        finally
        {
            f.Dispose(); g.Dispose(); converged.Dispose(); firstStep.Dispose();
            foreach (var (s, y, r) in pairs) { s.Dispose(); y.Dispose(); r.Dispose(); }
        }
    }

    /// <summary>The gradient with the components that point out of the box at an active bound set to zero.</summary>
    static Tensor Projected(Tensor z, Tensor g)
    {
        var blocked = z.le(0).logical_and(g.gt(0)).logical_or(z.ge(1).logical_and(g.lt(0)));
        return where(blocked, zeros_like(g), g);
    }

    /// <summary>H * q by the L-BFGS two-loop recursion, per image; the initial H is gamma * I from the newest pair.</summary>
    static Tensor TwoLoop(Tensor q, List<(Tensor S, Tensor Y, Tensor Rho)> pairs)
    {
        var r = q;
        var alphas = new Tensor[pairs.Count];
        for (int i = pairs.Count - 1; i >= 0; i--)
        {
            var (s, y, rho) = pairs[i];
            alphas[i] = rho * Dot(s, r);
            r = r - InputGradient.PerImage(alphas[i], r) * y;
        }
        Tensor gamma;
        if (pairs.Count == 0)
            gamma = 1 / q.flatten(1).norm(1).clamp_min(1e-12);        // first step: unit length
        else
        {
            var (s, y, rho) = pairs[^1];
            var yy = Dot(y, y);
            gamma = where(rho.gt(0), Dot(s, y) / yy.clamp_min(1e-20), 1 / q.flatten(1).norm(1).clamp_min(1e-12));
        }
        r = r * InputGradient.PerImage(gamma, r);
        for (int i = 0; i < pairs.Count; i++)
        {
            var (s, y, rho) = pairs[i];
            var beta = rho * Dot(y, r);
            r = r + InputGradient.PerImage(alphas[i] - beta, r) * s;
        }
        return r;
    }

    static Tensor Dot(Tensor a, Tensor b) => (a * b).flatten(1).sum(1);
}
