using TorchSharp;
using static TorchSharp.torch;

namespace RobustLab.Training.Corruptions;

/// <summary>One image's inverse map in pixel coordinates (x = column, y = row): output p reads input A (p - centre) + centre + t.</summary>
public readonly record struct AffineMap(double A11, double A12, double A21, double A22, double Tx = 0, double Ty = 0)
{
    public static AffineMap Identity => new(1, 0, 0, 1);
}

/// <summary>
/// skimage.transform.warp with an inverse map about the image centre, bilinear (order 1), zeros outside (cval 0), as
/// MNIST-C does it; here with affine_grid and grid_sample, one map per image.
/// </summary>
public static class AffineWarp
{
    public static Tensor Apply(Tensor x, IReadOnlyList<AffineMap> maps)
    {
        long n = x.shape[0], h = x.shape[2], w = x.shape[3];
        if (maps.Count != n) throw new ArgumentException($"maps: {maps.Count} maps for {n} images.", nameof(maps));
        // With align_corners, normalised u = (column - centre) / sx, sx = (W - 1) / 2; so the map in normalised
        // coordinates is S^-1 A S with translation S^-1 t.
        double sx = Math.Max(w - 1, 1) / 2.0, sy = Math.Max(h - 1, 1) / 2.0;
        var theta = new float[n * 6];
        for (int i = 0; i < n; i++)
        {
            var m = maps[i];
            theta[6 * i + 0] = (float)m.A11;
            theta[6 * i + 1] = (float)(m.A12 * sy / sx);
            theta[6 * i + 2] = (float)(m.Tx / sx);
            theta[6 * i + 3] = (float)(m.A21 * sx / sy);
            theta[6 * i + 4] = (float)m.A22;
            theta[6 * i + 5] = (float)(m.Ty / sy);
        }
        using var t = tensor(theta, [n, 2, 3], device: x.device);
        using var grid = nn.functional.affine_grid(t, [n, x.shape[1], h, w], align_corners: true);
        return nn.functional.grid_sample(x, grid, GridSampleMode.Bilinear, GridSamplePaddingMode.Zeros, align_corners: true);
    }
}
