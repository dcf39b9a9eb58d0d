using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Crm.Hub.Storage.Migrations
{
    /// <inheritdoc />
    public partial class SurveysCore : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Survey",
                table: "RoutingQueues",
                type: "TEXT",
                maxLength: 8,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "FollowUpTasks",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ConversationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ContactId = table.Column<Guid>(type: "TEXT", nullable: false),
                    AgentId = table.Column<Guid>(type: "TEXT", nullable: true),
                    SurveyRequestId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Detail = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    OwnerId = table.Column<Guid>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    DoneAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Note = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_FollowUpTasks", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "SurveyRequests",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ConversationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ContactId = table.Column<Guid>(type: "TEXT", nullable: false),
                    AgentId = table.Column<Guid>(type: "TEXT", nullable: true),
                    QueueId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    Channel = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    IdentityId = table.Column<Guid>(type: "TEXT", nullable: true),
                    MessageId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Locale = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    SkipReason = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    SentAt = table.Column<long>(type: "INTEGER", nullable: true),
                    ExpiresAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Score = table.Column<int>(type: "INTEGER", nullable: true),
                    Comment = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    AnsweredAt = table.Column<long>(type: "INTEGER", nullable: true),
                    AnsweredVia = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SurveyRequests", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Conversations_ResolvedAt",
                table: "Conversations",
                column: "ResolvedAt");

            migrationBuilder.CreateIndex(
                name: "IX_FollowUpTasks_ConversationId_Reason",
                table: "FollowUpTasks",
                columns: new[] { "ConversationId", "Reason" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_FollowUpTasks_Status_CreatedAt",
                table: "FollowUpTasks",
                columns: new[] { "Status", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_SurveyRequests_AnsweredAt",
                table: "SurveyRequests",
                column: "AnsweredAt");

            migrationBuilder.CreateIndex(
                name: "IX_SurveyRequests_ContactId_Channel_State",
                table: "SurveyRequests",
                columns: new[] { "ContactId", "Channel", "State" });

            migrationBuilder.CreateIndex(
                name: "IX_SurveyRequests_ConversationId",
                table: "SurveyRequests",
                column: "ConversationId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SurveyRequests_MessageId",
                table: "SurveyRequests",
                column: "MessageId");

            migrationBuilder.CreateIndex(
                name: "IX_SurveyRequests_State_ExpiresAt",
                table: "SurveyRequests",
                columns: new[] { "State", "ExpiresAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "FollowUpTasks");

            migrationBuilder.DropTable(
                name: "SurveyRequests");

            migrationBuilder.DropIndex(
                name: "IX_Conversations_ResolvedAt",
                table: "Conversations");

            migrationBuilder.DropColumn(
                name: "Survey",
                table: "RoutingQueues");
        }
    }
}
