using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Crm.Hub.Storage.Migrations
{
    /// <inheritdoc />
    public partial class EmailChannel : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "UndeliverableAt",
                table: "ChannelIdentities",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "UndeliverableReason",
                table: "ChannelIdentities",
                type: "TEXT",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ContentId",
                table: "Attachments",
                type: "TEXT",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "Inline",
                table: "Attachments",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateTable(
                name: "EmailMessages",
                columns: table => new
                {
                    MessageId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Subject = table.Column<string>(type: "TEXT", maxLength: 998, nullable: false),
                    InternetMessageId = table.Column<string>(type: "TEXT", maxLength: 998, nullable: true),
                    InReplyTo = table.Column<string>(type: "TEXT", maxLength: 998, nullable: true),
                    References = table.Column<string>(type: "TEXT", maxLength: 20000, nullable: true),
                    Html = table.Column<string>(type: "TEXT", nullable: true),
                    HasRemoteImages = table.Column<bool>(type: "INTEGER", nullable: false),
                    TrimmedText = table.Column<string>(type: "TEXT", nullable: true),
                    Automatic = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Warnings = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    Counterpart = table.Column<string>(type: "TEXT", maxLength: 400, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EmailMessages", x => x.MessageId);
                    table.ForeignKey(
                        name: "FK_EmailMessages_Messages_MessageId",
                        column: x => x.MessageId,
                        principalTable: "Messages",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "QuarantinedEmails",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Mailbox = table.Column<string>(type: "TEXT", maxLength: 320, nullable: false),
                    Folder = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    UidValidity = table.Column<long>(type: "INTEGER", nullable: false),
                    Uid = table.Column<long>(type: "INTEGER", nullable: false),
                    From = table.Column<string>(type: "TEXT", maxLength: 400, nullable: true),
                    Subject = table.Column<string>(type: "TEXT", maxLength: 998, nullable: true),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    StoragePath = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    Size = table.Column<long>(type: "INTEGER", nullable: false),
                    QuarantinedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_QuarantinedEmails", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_QuarantinedEmails_Mailbox_Folder_UidValidity_Uid",
                table: "QuarantinedEmails",
                columns: new[] { "Mailbox", "Folder", "UidValidity", "Uid" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "EmailMessages");

            migrationBuilder.DropTable(
                name: "QuarantinedEmails");

            migrationBuilder.DropColumn(
                name: "UndeliverableAt",
                table: "ChannelIdentities");

            migrationBuilder.DropColumn(
                name: "UndeliverableReason",
                table: "ChannelIdentities");

            migrationBuilder.DropColumn(
                name: "ContentId",
                table: "Attachments");

            migrationBuilder.DropColumn(
                name: "Inline",
                table: "Attachments");
        }
    }
}
