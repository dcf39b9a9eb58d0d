using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Crm.Hub.Storage.Migrations
{
    /// <inheritdoc />
    public partial class SavedTemplates : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "SavedTemplates",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Channel = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Syntax = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    BodyEn = table.Column<string>(type: "TEXT", maxLength: 20000, nullable: true),
                    SubjectEn = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    BodyFa = table.Column<string>(type: "TEXT", maxLength: 20000, nullable: true),
                    SubjectFa = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    UpdatedByAgentId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SavedTemplates", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_SavedTemplates_Name",
                table: "SavedTemplates",
                column: "Name",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "SavedTemplates");
        }
    }
}
