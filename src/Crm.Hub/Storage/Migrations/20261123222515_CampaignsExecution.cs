using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Crm.Hub.Storage.Migrations
{
    /// <inheritdoc />
    public partial class CampaignsExecution : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "CampaignId",
                table: "Conversations",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "Campaigns",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Channel = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Sender = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    SegmentId = table.Column<Guid>(type: "TEXT", nullable: true),
                    TemplateKey = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    Syntax = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    BodyEn = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    BodyFa = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    SubjectEn = table.Column<string>(type: "TEXT", maxLength: 998, nullable: true),
                    SubjectFa = table.Column<string>(type: "TEXT", maxLength: 998, nullable: true),
                    Schedule = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    StartAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Cron = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    ScheduleTimeZone = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Pace = table.Column<double>(type: "REAL", nullable: false),
                    QuietStartMinute = table.Column<int>(type: "INTEGER", nullable: true),
                    QuietEndMinute = table.Column<int>(type: "INTEGER", nullable: true),
                    DefaultTimeZone = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    ResumeTo = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    Run = table.Column<int>(type: "INTEGER", nullable: false),
                    Materialized = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreatedByAgentId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    LaunchedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    CompletedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Campaigns", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "CampaignRecipients",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    CampaignId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Run = table.Column<int>(type: "INTEGER", nullable: false),
                    ContactId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Address = table.Column<string>(type: "TEXT", maxLength: 320, nullable: true),
                    TimeZone = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Locale = table.Column<string>(type: "TEXT", maxLength: 8, nullable: true),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    State = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Error = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    NotBefore = table.Column<long>(type: "INTEGER", nullable: true),
                    MessageId = table.Column<Guid>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    QueuedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    SentAt = table.Column<long>(type: "INTEGER", nullable: true),
                    DeliveredAt = table.Column<long>(type: "INTEGER", nullable: true),
                    RepliedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    OptedOutAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CampaignRecipients", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CampaignRecipients_Campaigns_CampaignId",
                        column: x => x.CampaignId,
                        principalTable: "Campaigns",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Conversations_CampaignId",
                table: "Conversations",
                column: "CampaignId");

            migrationBuilder.CreateIndex(
                name: "IX_CampaignRecipients_CampaignId_Run_ContactId",
                table: "CampaignRecipients",
                columns: new[] { "CampaignId", "Run", "ContactId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_CampaignRecipients_CampaignId_Run_State_NotBefore",
                table: "CampaignRecipients",
                columns: new[] { "CampaignId", "Run", "State", "NotBefore" });

            migrationBuilder.CreateIndex(
                name: "IX_CampaignRecipients_ContactId_QueuedAt",
                table: "CampaignRecipients",
                columns: new[] { "ContactId", "QueuedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_CampaignRecipients_MessageId",
                table: "CampaignRecipients",
                column: "MessageId");

            migrationBuilder.CreateIndex(
                name: "IX_Campaigns_State",
                table: "Campaigns",
                column: "State");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "CampaignRecipients");

            migrationBuilder.DropTable(
                name: "Campaigns");

            migrationBuilder.DropIndex(
                name: "IX_Conversations_CampaignId",
                table: "Conversations");

            migrationBuilder.DropColumn(
                name: "CampaignId",
                table: "Conversations");
        }
    }
}
