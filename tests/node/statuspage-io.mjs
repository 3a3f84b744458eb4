// npm statuspage.io (a Statuspage API client) pointed at our site: node statuspage-io.mjs <site URL>
// Prints what each of its read calls returned, as JSON, for the Python test to check.
import statuspage from "statuspage.io";

const client = new statuspage.Statuspage("unused-page-id");
client.setApiUrl(process.argv[2]);
const api = client.api;
const results = {
  summary: await api.getSummary(),
  status: await api.getStatus(),
  components: await api.getComponents(),
  incidents: await api.incidents.getAll(),
  unresolved: await api.incidents.getUnresolved(),
  maintenances: await api.scheduledMaintenances.getAll(),
  upcoming: await api.scheduledMaintenances.getUpcoming(),
  active: await api.scheduledMaintenances.getActive(),
};
process.stdout.write(JSON.stringify(results));
