using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace RobustLab.Web.Runs.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "Sweeps",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    Dataset = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    Model = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    SpecJson = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    CreatedAt = table.Column<long>(type: "bigint", nullable: false),
                    ReusedRunIds = table.Column<string>(type: "nvarchar(max)", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Sweeps", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Runs",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    SweepId = table.Column<Guid>(type: "uniqueidentifier", nullable: true),
                    Dataset = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    Model = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    Method = table.Column<string>(type: "nvarchar(16)", maxLength: 16, nullable: false),
                    Sigma = table.Column<double>(type: "float", nullable: false),
                    Alpha = table.Column<double>(type: "float", nullable: false),
                    Copies = table.Column<int>(type: "int", nullable: false),
                    Seed = table.Column<int>(type: "int", nullable: false),
                    Device = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    Queue = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    ConfigJson = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    ConfigKey = table.Column<string>(type: "nvarchar(512)", maxLength: 512, nullable: false),
                    Status = table.Column<string>(type: "nvarchar(16)", maxLength: 16, nullable: false),
                    Epoch = table.Column<int>(type: "int", nullable: false),
                    Epochs = table.Column<int>(type: "int", nullable: false),
                    EpochProgress = table.Column<double>(type: "float", nullable: false),
                    EtaSeconds = table.Column<double>(type: "float", nullable: true),
                    Error = table.Column<string>(type: "nvarchar(max)", nullable: true),
                    CancelRequested = table.Column<bool>(type: "bit", nullable: false),
                    Attempts = table.Column<int>(type: "int", nullable: false),
                    CreatedAt = table.Column<long>(type: "bigint", nullable: false),
                    StartedAt = table.Column<long>(type: "bigint", nullable: true),
                    FinishedAt = table.Column<long>(type: "bigint", nullable: true),
                    UpdatedAt = table.Column<long>(type: "bigint", nullable: false),
                    LeaseOwner = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: true),
                    LeaseExpiresAt = table.Column<long>(type: "bigint", nullable: true),
                    JobId = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: true),
                    RunDir = table.Column<string>(type: "nvarchar(max)", nullable: true),
                    TestAccuracy = table.Column<double>(type: "float", nullable: true),
                    Gnr = table.Column<double>(type: "float", nullable: true),
                    GnrMean = table.Column<double>(type: "float", nullable: true),
                    MomentAccuracy = table.Column<double>(type: "float", nullable: true),
                    MomentGap = table.Column<double>(type: "float", nullable: true),
                    MetricsJson = table.Column<string>(type: "nvarchar(max)", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Runs", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Runs_Sweeps_SweepId",
                        column: x => x.SweepId,
                        principalTable: "Sweeps",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateTable(
                name: "Epochs",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    RunId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    Epoch = table.Column<int>(type: "int", nullable: false),
                    TrainLoss = table.Column<double>(type: "float", nullable: false),
                    TrainAccuracy = table.Column<double>(type: "float", nullable: false),
                    ValidationLoss = table.Column<double>(type: "float", nullable: false),
                    ValidationAccuracy = table.Column<double>(type: "float", nullable: false),
                    LearningRate = table.Column<double>(type: "float", nullable: false),
                    Seconds = table.Column<double>(type: "float", nullable: false),
                    ImagesPerSecond = table.Column<double>(type: "float", nullable: false),
                    IsBest = table.Column<bool>(type: "bit", nullable: false),
                    RecordedAt = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Epochs", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Epochs_Runs_RunId",
                        column: x => x.RunId,
                        principalTable: "Runs",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Epochs_RunId_Epoch",
                table: "Epochs",
                columns: new[] { "RunId", "Epoch" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Runs_ConfigKey",
                table: "Runs",
                column: "ConfigKey");

            migrationBuilder.CreateIndex(
                name: "IX_Runs_CreatedAt",
                table: "Runs",
                column: "CreatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_Runs_Dataset",
                table: "Runs",
                column: "Dataset");

            migrationBuilder.CreateIndex(
                name: "IX_Runs_Method",
                table: "Runs",
                column: "Method");

            migrationBuilder.CreateIndex(
                name: "IX_Runs_Model",
                table: "Runs",
                column: "Model");

            migrationBuilder.CreateIndex(
                name: "IX_Runs_Status",
                table: "Runs",
                column: "Status");

            migrationBuilder.CreateIndex(
                name: "IX_Runs_SweepId",
                table: "Runs",
                column: "SweepId");

            migrationBuilder.CreateIndex(
                name: "IX_Runs_UpdatedAt",
                table: "Runs",
                column: "UpdatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_Sweeps_CreatedAt",
                table: "Sweeps",
                column: "CreatedAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Epochs");

            migrationBuilder.DropTable(
                name: "Runs");

            migrationBuilder.DropTable(
                name: "Sweeps");
        }
    }
}
