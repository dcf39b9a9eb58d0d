using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Crm.Hub.Storage.Migrations
{
    /// <inheritdoc />
    public partial class ReportsFilterRollup : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "PK_ReportRollups",
                table: "ReportRollups");

            migrationBuilder.DropPrimaryKey(
                name: "PK_ReportAgentDays",
                table: "ReportAgentDays");

            migrationBuilder.DropIndex(
                name: "IX_ReportAgentDays_Dimension_LastOpened",
                table: "ReportAgentDays");

            migrationBuilder.AddColumn<string>(
                name: "FilterDimension",
                table: "ReportRollups",
                type: "TEXT",
                maxLength: 16,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "FilterKey",
                table: "ReportRollups",
                type: "TEXT",
                maxLength: 80,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "FilterDimension",
                table: "ReportAgentDays",
                type: "TEXT",
                maxLength: 16,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "FilterKey",
                table: "ReportAgentDays",
                type: "TEXT",
                maxLength: 80,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddPrimaryKey(
                name: "PK_ReportRollups",
                table: "ReportRollups",
                columns: new[] { "FilterDimension", "FilterKey", "Dimension", "OpenedDate", "Key" });

            migrationBuilder.AddPrimaryKey(
                name: "PK_ReportAgentDays",
                table: "ReportAgentDays",
                columns: new[] { "FilterDimension", "FilterKey", "Dimension", "ResolvedDate", "Key", "FirstOpened", "LastOpened" });

            migrationBuilder.CreateIndex(
                name: "IX_ReportRollups_Dimension_Key_FilterDimension_OpenedDate",
                table: "ReportRollups",
                columns: new[] { "Dimension", "Key", "FilterDimension", "OpenedDate" });

            migrationBuilder.CreateIndex(
                name: "IX_ReportAgentDays_Dimension_Key_FilterDimension_LastOpened",
                table: "ReportAgentDays",
                columns: new[] { "Dimension", "Key", "FilterDimension", "LastOpened" });

            migrationBuilder.CreateIndex(
                name: "IX_ReportAgentDays_FilterDimension_FilterKey_Dimension_LastOpened",
                table: "ReportAgentDays",
                columns: new[] { "FilterDimension", "FilterKey", "Dimension", "LastOpened" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "PK_ReportRollups",
                table: "ReportRollups");

            migrationBuilder.DropIndex(
                name: "IX_ReportRollups_Dimension_Key_FilterDimension_OpenedDate",
                table: "ReportRollups");

            migrationBuilder.DropPrimaryKey(
                name: "PK_ReportAgentDays",
                table: "ReportAgentDays");

            migrationBuilder.DropIndex(
                name: "IX_ReportAgentDays_Dimension_Key_FilterDimension_LastOpened",
                table: "ReportAgentDays");

            migrationBuilder.DropIndex(
                name: "IX_ReportAgentDays_FilterDimension_FilterKey_Dimension_LastOpened",
                table: "ReportAgentDays");

            migrationBuilder.DropColumn(
                name: "FilterDimension",
                table: "ReportRollups");

            migrationBuilder.DropColumn(
                name: "FilterKey",
                table: "ReportRollups");

            migrationBuilder.DropColumn(
                name: "FilterDimension",
                table: "ReportAgentDays");

            migrationBuilder.DropColumn(
                name: "FilterKey",
                table: "ReportAgentDays");

            migrationBuilder.AddPrimaryKey(
                name: "PK_ReportRollups",
                table: "ReportRollups",
                columns: new[] { "Dimension", "OpenedDate", "Key" });

            migrationBuilder.AddPrimaryKey(
                name: "PK_ReportAgentDays",
                table: "ReportAgentDays",
                columns: new[] { "Dimension", "ResolvedDate", "Key", "FirstOpened", "LastOpened" });

            migrationBuilder.CreateIndex(
                name: "IX_ReportAgentDays_Dimension_LastOpened",
                table: "ReportAgentDays",
                columns: new[] { "Dimension", "LastOpened" });
        }
    }
}
