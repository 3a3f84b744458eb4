// npm ical.js (Mozilla's iCalendar parser) reads our maintenance calendar: node ical.mjs <calendar URL>
// Prints each event as ical.js sees it, as JSON.
import ICAL from "ical.js";

const response = await fetch(process.argv[2]);
if (!response.ok) throw new Error(`${response.status} ${response.statusText}`);
const calendar = new ICAL.Component(ICAL.parse(await response.text()));
const events = calendar.getAllSubcomponents("vevent").map((component) => {
  const event = new ICAL.Event(component);
  return {
    uid: event.uid, summary: event.summary, description: event.description, url: component.getFirstPropertyValue("url"),
    start: event.startDate.toJSDate().toISOString(), end: event.endDate.toJSDate().toISOString(),
    status: component.getFirstPropertyValue("status"), sequence: event.sequence,
  };
});
process.stdout.write(JSON.stringify({ prodid: calendar.getFirstPropertyValue("prodid"), events }));
