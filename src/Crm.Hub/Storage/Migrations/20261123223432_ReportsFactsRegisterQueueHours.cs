using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Crm.Hub.Storage.Migrations
{
    /// <inheritdoc />
    public partial class ReportsFactsRegisterQueueHours : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "BusinessHours",
                table: "RoutingQueues",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "ResolutionSlaSeconds",
                table: "RoutingQueues",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SetsCategory",
                table: "RoutingQueues",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "ConversationFacts",
                columns: table => new
                {
                    ConversationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ContactId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Channel = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    QueueId = table.Column<Guid>(type: "TEXT", nullable: true),
                    TeamId = table.Column<Guid>(type: "TEXT", nullable: true),
                    AgentId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Category = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Priority = table.Column<int>(type: "INTEGER", nullable: false),
                    OpenedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    OpenedDate = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    FirstResponseAt = table.Column<long>(type: "INTEGER", nullable: true),
                    AssignedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    ResolvedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    ResolvedDate = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    FirstResponseSeconds = table.Column<long>(type: "INTEGER", nullable: true),
                    FirstResponseBusinessSeconds = table.Column<long>(type: "INTEGER", nullable: true),
                    TimeToAssignSeconds = table.Column<long>(type: "INTEGER", nullable: true),
                    HandleSeconds = table.Column<long>(type: "INTEGER", nullable: true),
                    ResolutionSeconds = table.Column<long>(type: "INTEGER", nullable: true),
                    ResolutionBusinessSeconds = table.Column<long>(type: "INTEGER", nullable: true),
                    Episodes = table.Column<int>(type: "INTEGER", nullable: false),
                    ReopenCount = table.Column<int>(type: "INTEGER", nullable: false),
                    TransferCount = table.Column<int>(type: "INTEGER", nullable: false),
                    SameDay = table.Column<bool>(type: "INTEGER", nullable: true),
                    SlaFirstResponse = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    SlaResolution = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    FirstResponseDueAt = table.Column<long>(type: "INTEGER", nullable: true),
                    ResolutionDueAt = table.Column<long>(type: "INTEGER", nullable: true),
                    ContactReturnSeconds = table.Column<long>(type: "INTEGER", nullable: true),
                    SurveyKind = table.Column<string>(type: "TEXT", maxLength: 8, nullable: true),
                    SurveyScore = table.Column<int>(type: "INTEGER", nullable: true),
                    LastSeq = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ConversationFacts", x => x.ConversationId);
                });

            migrationBuilder.CreateTable(
                name: "ProjectionCursors",
                columns: table => new
                {
                    Name = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Seq = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ProjectionCursors", x => x.Name);
                });

            migrationBuilder.CreateTable(
                name: "RegisterEntries",
                columns: table => new
                {
                    ConversationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    OwnerId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Note = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedBy = table.Column<Guid>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RegisterEntries", x => x.ConversationId);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ConversationFacts_AgentId_OpenedDate",
                table: "ConversationFacts",
                columns: new[] { "AgentId", "OpenedDate" });

            migrationBuilder.CreateIndex(
                name: "IX_ConversationFacts_ContactId",
                table: "ConversationFacts",
                column: "ContactId");

            migrationBuilder.CreateIndex(
                name: "IX_ConversationFacts_OpenedDate",
                table: "ConversationFacts",
                column: "OpenedDate");

            migrationBuilder.CreateIndex(
                name: "IX_ConversationFacts_QueueId_OpenedDate",
                table: "ConversationFacts",
                columns: new[] { "QueueId", "OpenedDate" });

            migrationBuilder.CreateIndex(
                name: "IX_RegisterEntries_Status_OwnerId",
                table: "RegisterEntries",
                columns: new[] { "Status", "OwnerId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ConversationFacts");

            migrationBuilder.DropTable(
                name: "ProjectionCursors");

            migrationBuilder.DropTable(
                name: "RegisterEntries");

            migrationBuilder.DropColumn(
                name: "BusinessHours",
                table: "RoutingQueues");

            migrationBuilder.DropColumn(
                name: "ResolutionSlaSeconds",
                table: "RoutingQueues");

            migrationBuilder.DropColumn(
                name: "SetsCategory",
                table: "RoutingQueues");
        }
    }
}
