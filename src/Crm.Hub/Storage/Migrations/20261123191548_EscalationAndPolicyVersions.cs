using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Crm.Hub.Storage.Migrations
{
    /// <inheritdoc />
    public partial class EscalationAndPolicyVersions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "AlertAfterSeconds",
                table: "RoutingQueues",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Categories",
                table: "RoutingQueues",
                type: "TEXT",
                maxLength: 1000,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "ContactTags",
                table: "RoutingQueues",
                type: "TEXT",
                maxLength: 1000,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "Inboxes",
                table: "RoutingQueues",
                type: "TEXT",
                maxLength: 1000,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "Languages",
                table: "RoutingQueues",
                type: "TEXT",
                maxLength: 100,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<int>(
                name: "OverflowAfterSeconds",
                table: "RoutingQueues",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "OverflowQueueId",
                table: "RoutingQueues",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "TeamId",
                table: "RoutingQueues",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "PolicyVersion",
                table: "Conversations",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "CapacityUnits",
                table: "Agents",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Blocks",
                table: "AgentCapacities",
                type: "TEXT",
                maxLength: 200,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<int>(
                name: "Units",
                table: "AgentCapacities",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "RoutingPolicyVersions",
                columns: table => new
                {
                    Version = table.Column<int>(type: "INTEGER", nullable: false),
                    SavedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    SavedById = table.Column<Guid>(type: "TEXT", nullable: true),
                    SavedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Change = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    Queues = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RoutingPolicyVersions", x => x.Version);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "RoutingPolicyVersions");

            migrationBuilder.DropColumn(
                name: "AlertAfterSeconds",
                table: "RoutingQueues");

            migrationBuilder.DropColumn(
                name: "Categories",
                table: "RoutingQueues");

            migrationBuilder.DropColumn(
                name: "ContactTags",
                table: "RoutingQueues");

            migrationBuilder.DropColumn(
                name: "Inboxes",
                table: "RoutingQueues");

            migrationBuilder.DropColumn(
                name: "Languages",
                table: "RoutingQueues");

            migrationBuilder.DropColumn(
                name: "OverflowAfterSeconds",
                table: "RoutingQueues");

            migrationBuilder.DropColumn(
                name: "OverflowQueueId",
                table: "RoutingQueues");

            migrationBuilder.DropColumn(
                name: "TeamId",
                table: "RoutingQueues");

            migrationBuilder.DropColumn(
                name: "PolicyVersion",
                table: "Conversations");

            migrationBuilder.DropColumn(
                name: "CapacityUnits",
                table: "Agents");

            migrationBuilder.DropColumn(
                name: "Blocks",
                table: "AgentCapacities");

            migrationBuilder.DropColumn(
                name: "Units",
                table: "AgentCapacities");
        }
    }
}
