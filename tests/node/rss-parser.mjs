// npm rss-parser reads a feed of our site: node rss-parser.mjs <feed URL>
// Prints the feed as rss-parser understood it, as JSON.
import Parser from "rss-parser";

const feed = await new Parser().parseURL(process.argv[2]);
process.stdout.write(JSON.stringify(feed));
