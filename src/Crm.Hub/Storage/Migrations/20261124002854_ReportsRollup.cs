using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Crm.Hub.Storage.Migrations
{
    /// <inheritdoc />
    public partial class ReportsRollup : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ReportAgentDays",
                columns: table => new
                {
                    Dimension = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Key = table.Column<string>(type: "TEXT", maxLength: 80, nullable: false),
                    ResolvedDate = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    FirstOpened = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    LastOpened = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Agents = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ReportAgentDays", x => new { x.Dimension, x.ResolvedDate, x.Key, x.FirstOpened, x.LastOpened });
                });

            migrationBuilder.CreateTable(
                name: "ReportRollups",
                columns: table => new
                {
                    Dimension = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Key = table.Column<string>(type: "TEXT", maxLength: 80, nullable: false),
                    OpenedDate = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Conversations = table.Column<long>(type: "INTEGER", nullable: false),
                    Resolved = table.Column<long>(type: "INTEGER", nullable: false),
                    ResolvedByAgents = table.Column<long>(type: "INTEGER", nullable: false),
                    FirstResponses = table.Column<long>(type: "INTEGER", nullable: false),
                    FirstResponseSeconds = table.Column<long>(type: "INTEGER", nullable: false),
                    FirstResponseBusinessSeconds = table.Column<long>(type: "INTEGER", nullable: false),
                    Assigned = table.Column<long>(type: "INTEGER", nullable: false),
                    TimeToAssignSeconds = table.Column<long>(type: "INTEGER", nullable: false),
                    Handled = table.Column<long>(type: "INTEGER", nullable: false),
                    HandleSeconds = table.Column<long>(type: "INTEGER", nullable: false),
                    ResolutionSeconds = table.Column<long>(type: "INTEGER", nullable: false),
                    SameDay = table.Column<long>(type: "INTEGER", nullable: false),
                    SlaMet = table.Column<long>(type: "INTEGER", nullable: false),
                    SlaBreached = table.Column<long>(type: "INTEGER", nullable: false),
                    SlaRunning = table.Column<long>(type: "INTEGER", nullable: false),
                    FcrNotFirstContact = table.Column<long>(type: "INTEGER", nullable: false),
                    FcrClean = table.Column<long>(type: "INTEGER", nullable: false),
                    ComplaintsResolved = table.Column<long>(type: "INTEGER", nullable: false),
                    ComplaintSeconds = table.Column<long>(type: "INTEGER", nullable: false),
                    ComplaintBusinessSeconds = table.Column<long>(type: "INTEGER", nullable: false),
                    Reopened = table.Column<long>(type: "INTEGER", nullable: false),
                    Transferred = table.Column<long>(type: "INTEGER", nullable: false),
                    CsatResponses = table.Column<long>(type: "INTEGER", nullable: false),
                    CsatSatisfied = table.Column<long>(type: "INTEGER", nullable: false),
                    NpsResponses = table.Column<long>(type: "INTEGER", nullable: false),
                    NpsPromoters = table.Column<long>(type: "INTEGER", nullable: false),
                    NpsDetractors = table.Column<long>(type: "INTEGER", nullable: false),
                    CesResponses = table.Column<long>(type: "INTEGER", nullable: false),
                    CesSum = table.Column<long>(type: "INTEGER", nullable: false),
                    AgentDays = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ReportRollups", x => new { x.Dimension, x.OpenedDate, x.Key });
                });

            migrationBuilder.CreateIndex(
                name: "IX_ConversationFacts_FirstResponseDueAt",
                table: "ConversationFacts",
                column: "FirstResponseDueAt");

            migrationBuilder.CreateIndex(
                name: "IX_ConversationFacts_ResolutionDueAt",
                table: "ConversationFacts",
                column: "ResolutionDueAt");

            migrationBuilder.CreateIndex(
                name: "IX_ConversationFacts_ResolvedAt",
                table: "ConversationFacts",
                column: "ResolvedAt");

            migrationBuilder.CreateIndex(
                name: "IX_ConversationFacts_ResolvedDate_AgentId",
                table: "ConversationFacts",
                columns: new[] { "ResolvedDate", "AgentId" });

            migrationBuilder.CreateIndex(
                name: "IX_ReportAgentDays_Dimension_LastOpened",
                table: "ReportAgentDays",
                columns: new[] { "Dimension", "LastOpened" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ReportAgentDays");

            migrationBuilder.DropTable(
                name: "ReportRollups");

            migrationBuilder.DropIndex(
                name: "IX_ConversationFacts_FirstResponseDueAt",
                table: "ConversationFacts");

            migrationBuilder.DropIndex(
                name: "IX_ConversationFacts_ResolutionDueAt",
                table: "ConversationFacts");

            migrationBuilder.DropIndex(
                name: "IX_ConversationFacts_ResolvedAt",
                table: "ConversationFacts");

            migrationBuilder.DropIndex(
                name: "IX_ConversationFacts_ResolvedDate_AgentId",
                table: "ConversationFacts");
        }
    }
}
