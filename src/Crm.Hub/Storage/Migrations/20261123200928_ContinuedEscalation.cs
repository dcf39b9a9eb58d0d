using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Crm.Hub.Storage.Migrations
{
    /// <inheritdoc />
    public partial class ContinuedEscalation : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "Escalated",
                table: "Conversations",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<long>(
                name: "EscalationFor",
                table: "Conversations",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "OverflowRungs",
                table: "Conversations",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<bool>(
                name: "SlaRiskAlerted",
                table: "Conversations",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Escalated",
                table: "Conversations");

            migrationBuilder.DropColumn(
                name: "EscalationFor",
                table: "Conversations");

            migrationBuilder.DropColumn(
                name: "OverflowRungs",
                table: "Conversations");

            migrationBuilder.DropColumn(
                name: "SlaRiskAlerted",
                table: "Conversations");
        }
    }
}
