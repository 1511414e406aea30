namespace RobustLab.Training.Certification;

/// <summary>Independent generator seeds from one user seed and a stream number (an image index, a sigma index).</summary>
static class Seeds
{
    /// <summary>
    /// SplitMix64 of (seed, stream): each image's noise depends only on the seed and the image's own index, so an image
    /// certifies the same whichever other images are certified with it.
    /// </summary>
    public static ulong Mix(int seed, long stream)
    {
        ulong z = ((ulong)(uint)seed << 32 ^ (ulong)stream) + 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
