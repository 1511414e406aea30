using TorchSharp;
using static TorchSharp.torch;

namespace RobustLab.Training.Corruptions;

/// <summary>
/// JPEG's lossy step without a codec: 8-bit pixels, YCbCr for colour images, 8 x 8 block DCT, quantisation with the
/// standard tables scaled by the IJG quality formula, inverse DCT, 8-bit pixels again. JPEG's entropy coding is lossless,
/// so this is the same loss as a baseline encoder and decoder except that chroma is not subsampled (PIL subsamples it
/// 4:2:0), which makes colour images slightly less degraded than in CIFAR-10-C; grey images are unaffected by that.
/// </summary>
public sealed class JpegCompression : Corruption
{
    /// <summary>JPEG quality per severity: Hendrycks and Dietterich (2019), make_cifar_c.py, jpeg_compression.</summary>
    public static readonly int[] Quality = [80, 65, 58, 50, 40];

    /// <summary>ITU-T T.81 (JPEG) Annex K, Table K.1: luminance quantisation at quality 50.</summary>
    static readonly int[] Luminance =
    [
        16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56,
        14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
        49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
    ];

    /// <summary>ITU-T T.81 Annex K, Table K.2: chrominance quantisation at quality 50.</summary>
    static readonly int[] Chrominance =
    [
        17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99, 24, 26, 56, 99, 99, 99, 99, 99,
        47, 66, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
        99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
    ];

    public override string Name => CorruptionCatalog.JpegCompression;
    public override CorruptionFamily Family => CorruptionFamily.Digital;

    /// <summary>The IJG (libjpeg, PIL) scaling of a base table to a quality in [1, 100], entries clamped to [1, 255].</summary>
    public static float[] ScaledTable(int[] table, int quality)
    {
        quality = Math.Clamp(quality, 1, 100);
        int scale = quality < 50 ? 5000 / quality : 200 - 2 * quality;
        return table.Select(q => (float)Math.Clamp((q * scale + 50) / 100, 1, 255)).ToArray();
    }

    /// <summary>The orthonormal 8-point DCT-II matrix D: coefficients = D B D^T for a block B.</summary>
    static Tensor DctMatrix()
    {
        var d = new float[64];
        for (int u = 0; u < 8; u++)
            for (int x = 0; x < 8; x++)
                d[u * 8 + x] = (float)((u == 0 ? Math.Sqrt(1.0 / 8) : Math.Sqrt(2.0 / 8)) * Math.Cos((2 * x + 1) * u * Math.PI / 16));
        return tensor(d, [8, 8]);
    }

    protected override Tensor Corrupt(Tensor x, int level, Generator generator)
    {
        long n = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3];
        var pixels = (x * 255).round();
        var planes = c == 3 ? ToYCbCr(pixels).round().clamp(0, 255) : pixels;
        long ph = (h + 7) / 8 * 8, pw = (w + 7) / 8 * 8;
        var padded = nn.functional.pad(planes - 128, [0, pw - w, 0, ph - h], PaddingModes.Replicate);
        var blocks = padded.reshape(n, c, ph / 8, 8, pw / 8, 8).permute(0, 1, 2, 4, 3, 5);
        var d = DctMatrix().to(x.device);
        var tables = Enumerable.Range(0, (int)c).SelectMany(ch => ScaledTable(ch == 0 ? Luminance : Chrominance, Quality[level])).ToArray();
        var q = tensor(tables, [1, c, 1, 1, 8, 8]).to(x.device);
        var coefficients = d.matmul(blocks).matmul(d.t());
        var quantised = (coefficients / q).round() * q;
        var restored = d.t().matmul(quantised).matmul(d)
            .permute(0, 1, 2, 4, 3, 5).reshape(n, c, ph, pw)
            .narrow(2, 0, h).narrow(3, 0, w) + 128;
        var decoded = (c == 3 ? ToRgb(restored.round().clamp(0, 255)) : restored).round().clamp(0, 255);
        return decoded / 255;
    }

    /// <summary>JFIF's RGB to YCbCr (ITU-R BT.601, full range), on 0..255 values.</summary>
    static Tensor ToYCbCr(Tensor rgb)
    {
        var (r, g, b) = (rgb.narrow(1, 0, 1), rgb.narrow(1, 1, 1), rgb.narrow(1, 2, 1));
        var y = 0.299 * r + 0.587 * g + 0.114 * b;
        var cb = -0.168736 * r - 0.331264 * g + 0.5 * b + 128;
        var cr = 0.5 * r - 0.418688 * g - 0.081312 * b + 128;
        return cat([y, cb, cr], 1);
    }

    static Tensor ToRgb(Tensor ycc)
    {
        var (y, cb, cr) = (ycc.narrow(1, 0, 1), ycc.narrow(1, 1, 1) - 128, ycc.narrow(1, 2, 1) - 128);
        return cat([y + 1.402 * cr, y - 0.344136 * cb - 0.714136 * cr, y + 1.772 * cb], 1);
    }
}
