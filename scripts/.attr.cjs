const fs=require('fs'),path=require('path');const {SourceMapConsumer}=require('source-map-js');
const dir=process.argv[2];const files=process.argv.slice(3);
const tot={};
for(const f of files){const js=fs.readFileSync(path.join(dir,f),'utf8');const mp=path.join(dir,f+'.map');if(!fs.existsSync(mp))continue;
const c=new SourceMapConsumer(JSON.parse(fs.readFileSync(mp,'utf8')));const lines=js.split('\n');
const segs=[];c.eachMapping(m=>segs.push(m));
for(let i=0;i<segs.length;i++){const m=segs[i];const n=segs[i+1];const line=lines[m.generatedLine-1]||'';
const end=(n&&n.generatedLine===m.generatedLine)?n.generatedColumn:line.length;const src=(m.source||'?').replace(/.*node_modules\//,'nm/').replace(/.*\/src\//,'src/');tot[src]=(tot[src]||0)+(end-m.generatedColumn);}}
Object.entries(tot).sort((a,b)=>b[1]-a[1]).slice(0,70).forEach(([k,v])=>console.log(v,k));
