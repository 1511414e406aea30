using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using RobustLab.Training.Loop;
using RobustLab.Web.Artifacts;

namespace RobustLab.Web.Runs;

/// <summary>
/// The run store's EF Core model: runs, their epochs, sweeps and (for Storage:Artifacts=database) artifacts as chunked blobs. One model for SQLite, PostgreSQL and SQL Server; each
/// provider has a subclass (<see cref="SqliteRunStoreContext"/>, ...) that owns its migration history. Services and the
/// store take this base type (through <see cref="IDbContextFactory{RunStoreContext}"/>).
/// </summary>
public abstract class RunStoreContext : DbContext
{
    /// <summary>Longest configuration key; bounded so SQL Server can index it (nvarchar(512) is 1 KB of the 1.7 KB key limit).</summary>
    public const int ConfigKeyLength = 512;

    protected RunStoreContext(DbContextOptions options) : base(options) { }

    public DbSet<RunEntity> Runs => Set<RunEntity>();
    public DbSet<EpochEntity> Epochs => Set<EpochEntity>();
    public DbSet<SweepEntity> Sweeps => Set<SweepEntity>();
    public DbSet<ArtifactEntity> Artifacts => Set<ArtifactEntity>();
    public DbSet<ArtifactChunkEntity> ArtifactChunks => Set<ArtifactChunkEntity>();

    protected override void ConfigureConventions(ModelConfigurationBuilder conventions)
    {
        // SQLite cannot compare or order DateTimeOffset, and the three providers store it differently. UTC ticks (bigint)
        // compare, order and round-trip the same everywhere; values come back with offset zero.
        conventions.Properties<DateTimeOffset>().HaveConversion<UtcTicksConverter>();
        // Enums as their names: readable in any SQL client and stable if members are reordered.
        conventions.Properties<RunStatus>().HaveConversion<string>().HaveMaxLength(16);
        conventions.Properties<TrainingMethod>().HaveConversion<string>().HaveMaxLength(16);
    }

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<RunEntity>(run =>
        {
            run.ToTable("Runs");
            run.HasKey(r => r.Id);
            run.Property(r => r.Id).ValueGeneratedNever();
            run.Property(r => r.Dataset).HasMaxLength(64);
            run.Property(r => r.Model).HasMaxLength(32);
            run.Property(r => r.Device).HasMaxLength(32);
            run.Property(r => r.Queue).HasMaxLength(32);
            run.Property(r => r.ConfigKey).HasMaxLength(ConfigKeyLength);
            run.Property(r => r.LeaseOwner).HasMaxLength(200);
            run.Property(r => r.JobId).HasMaxLength(100);

            run.HasIndex(r => r.Status);
            run.HasIndex(r => r.Dataset);
            run.HasIndex(r => r.Model);
            run.HasIndex(r => r.Method);
            run.HasIndex(r => r.SweepId);
            run.HasIndex(r => r.UpdatedAt);
            run.HasIndex(r => r.CreatedAt);
            run.HasIndex(r => r.ConfigKey);

            run.HasOne(r => r.Sweep).WithMany(s => s.Runs).HasForeignKey(r => r.SweepId).OnDelete(DeleteBehavior.SetNull);
            run.HasMany(r => r.EpochReports).WithOne().HasForeignKey(e => e.RunId).OnDelete(DeleteBehavior.Cascade);
        });

        model.Entity<EpochEntity>(epoch =>
        {
            epoch.ToTable("Epochs");
            epoch.HasKey(e => e.Id);
            // An epoch is recorded once: a worker that resumes after a crash may report it again.
            epoch.HasIndex(e => new { e.RunId, e.Epoch }).IsUnique();
            // A diverged epoch reports NaN or infinite losses, which SQL Server's float cannot hold and SQLite turns into
            // NULL; every provider stores them as the extreme finite doubles instead (see NonFiniteSentinelConverter).
            foreach (var property in new[] { "TrainLoss", "TrainAccuracy", "ValidationLoss", "ValidationAccuracy", "LearningRate", "Seconds", "ImagesPerSecond" })
                epoch.Property<double>(property).HasConversion(new NonFiniteSentinelConverter());
        });

        model.Entity<SweepEntity>(sweep =>
        {
            sweep.ToTable("Sweeps");
            sweep.HasKey(s => s.Id);
            sweep.Property(s => s.Id).ValueGeneratedNever();
            sweep.Property(s => s.Dataset).HasMaxLength(64);
            sweep.Property(s => s.Model).HasMaxLength(32);
            sweep.HasIndex(s => s.CreatedAt);
        });

        // Artifacts (docs/architecture.md, "Artifacts"): no foreign keys, see ArtifactEntity.
        model.Entity<ArtifactEntity>(artifact =>
        {
            artifact.ToTable("Artifacts");
            artifact.HasKey(a => new { a.RunId, a.Name });
            artifact.Property(a => a.Name).HasMaxLength(ArtifactNames.MaxLength);
            artifact.Property(a => a.Sha256).HasMaxLength(64).IsFixedLength();
            artifact.Property(a => a.BlobId).IsConcurrencyToken();
            artifact.HasIndex(a => a.BlobId).IsUnique();
        });

        model.Entity<ArtifactChunkEntity>(chunk =>
        {
            chunk.ToTable("ArtifactChunks");
            chunk.HasKey(c => new { c.BlobId, c.Position });
            // bytea on PostgreSQL, varbinary(max) on SQL Server, BLOB on SQLite: no length, a chunk is DatabaseArtifactStore.ChunkSize.
            chunk.Property(c => c.Data).IsRequired();
        });
    }
}

/// <summary>DateTimeOffset as UTC ticks: an instant that every provider compares and orders as a plain bigint.</summary>
public sealed class UtcTicksConverter() : ValueConverter<DateTimeOffset, long>(
    value => value.UtcTicks,
    ticks => new DateTimeOffset(ticks, TimeSpan.Zero));

/// <summary>
/// Stores NaN (and negative infinity) as double.MinValue and positive infinity as double.MaxValue, and reads them back as
/// NaN and infinity: a required float column on every provider that still shows a diverged epoch as diverged.
/// </summary>
public sealed class NonFiniteSentinelConverter() : ValueConverter<double, double>(
    value => double.IsFinite(value) ? value : double.IsPositiveInfinity(value) ? double.MaxValue : double.MinValue,
    stored => stored == double.MaxValue ? double.PositiveInfinity : stored == double.MinValue ? double.NaN : stored);
