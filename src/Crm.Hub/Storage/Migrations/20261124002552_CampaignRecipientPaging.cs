using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Crm.Hub.Storage.Migrations
{
    /// <inheritdoc />
    public partial class CampaignRecipientPaging : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_CampaignRecipients_CampaignId_Run_State_NotBefore",
                table: "CampaignRecipients");

            migrationBuilder.CreateIndex(
                name: "IX_CampaignRecipients_CampaignId_Run_Address",
                table: "CampaignRecipients",
                columns: new[] { "CampaignId", "Run", "Address" });

            migrationBuilder.CreateIndex(
                name: "IX_CampaignRecipients_CampaignId_Run_State_Id",
                table: "CampaignRecipients",
                columns: new[] { "CampaignId", "Run", "State", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_CampaignRecipients_CampaignId_Run_Address",
                table: "CampaignRecipients");

            migrationBuilder.DropIndex(
                name: "IX_CampaignRecipients_CampaignId_Run_State_Id",
                table: "CampaignRecipients");

            migrationBuilder.CreateIndex(
                name: "IX_CampaignRecipients_CampaignId_Run_State_NotBefore",
                table: "CampaignRecipients",
                columns: new[] { "CampaignId", "Run", "State", "NotBefore" });
        }
    }
}
